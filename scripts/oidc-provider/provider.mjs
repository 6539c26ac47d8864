// A real OpenID provider for PlateKeeper's tests: the npm oidc-provider package (discovery,
// authorisation code with PKCE, RS256-signed ID tokens, nonce, RP-initiated logout), with a small
// login page of its own. scripts/with-oidc-provider starts it; nothing here is a mock.
//
// Environment:
//   OIDC_PORT          the loopback port to listen on
//   OIDC_ADMIN_TOKEN   the bearer token that registers clients (RFC 7591 dynamic registration,
//                      as its initial access token) and puts test accounts (PUT /test/accounts/NAME)
//   OIDC_ACCOUNTS_FILE optional JSON file of accounts to start with, {"NAME": {...}, ...}
//
// An account is {"password": "...", "code": "...", "name": "...", "groups": [...], "job_title": ...}.
// A sign-in that types the account's one-time code is reported as amr ["pwd", "otp"] and acr
// urn:platekeeper:test:mfa; one without it as amr ["pwd"] and acr urn:platekeeper:test:pwd.
import { randomBytes, generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const adminToken = process.env.OIDC_ADMIN_TOKEN;
if (!port || !adminToken || adminToken.length < 16) {
  console.error('provider.mjs: set OIDC_PORT and OIDC_ADMIN_TOKEN (16 characters or more)');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const ACR_PASSWORD = 'urn:platekeeper:test:pwd';
const ACR_SECOND_FACTOR = 'urn:platekeeper:test:mfa';

const accounts = new Map(
  Object.entries(process.env.OIDC_ACCOUNTS_FILE
    ? JSON.parse(readFileSync(process.env.OIDC_ACCOUNTS_FILE, 'utf8'))
    : {}),
);

// A fresh signing key for every run: nothing secret is kept in the repository.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: randomBytes(8).toString('hex') };

const configuration = {
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  scopes: ['openid', 'profile', 'email', 'groups'],
  claims: {
    // acr and amr ride with the openid scope: every ID token says how its person signed in.
    openid: ['sub', 'acr', 'amr', 'auth_time', 'sid'],
    profile: ['name', 'preferred_username', 'job_title'],
    email: ['email'],
    groups: ['groups'],
  },
  // The claims of the scopes asked for go into the ID token itself, as Entra ID and Okta can.
  conformIdTokenClaims: false,
  acrValues: [ACR_PASSWORD, ACR_SECOND_FACTOR],
  pkce: { required: () => true, methods: ['S256'] },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true, initialAccessToken: adminToken },
    rpInitiatedLogout: { enabled: true, logoutSource },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  async findAccount(ctx, id) {
    const account = accounts.get(id);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: account.name,
          preferred_username: id,
          email: `${id}@agency.test`,
          groups: account.groups || [],
          ...(account.job_title ? { job_title: account.job_title } : {}),
        };
      },
    };
  },
};

// The provider's own "Do you want to sign out?" page, submitted at once: the person asked
// PlateKeeper to sign out, and the test drives a browser that should not stop there.
async function logoutSource(ctx, form) {
  ctx.body = `<!DOCTYPE html><html><head><title>Signing out</title></head><body>
    ${form}<input type="hidden" name="logout" value="yes" form="op.logoutForm">
    <p>Signing you out of the test provider...</p>
    <script>document.getElementById('op.logoutForm').submit()</script></body></html>`;
}

const provider = new Provider(issuer, configuration);

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, error) {
  return `<!DOCTYPE html><html><head><title>Test provider sign-in</title></head><body>
    <h1>Test provider sign-in</h1>
    ${error ? `<p role="alert" id="provider-error">${escape(error)}</p>` : ''}
    <form method="post" action="/interaction/${escape(uid)}/login">
      <label>Username <input name="username" autocomplete="off" autofocus></label>
      <label>Password <input name="password" type="password"></label>
      <label>One-time code (optional) <input name="code" inputmode="numeric"></label>
      <button type="submit">Sign in at the provider</button>
    </form></body></html>`;
}

function same(given, expected) {
  const a = Buffer.from(String(given));
  const b = Buffer.from(String(expected));
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function isAdmin(ctx) {
  return same(ctx.get('authorization'), `Bearer ${adminToken}`);
}

async function grantConsent(details) {
  // PlateKeeper is the agency's own application: consent is granted, as a directory's
  // administrator grants it for every user of a first-party app.
  const { prompt: { details: missing }, params, session: { accountId } } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return { consent: { grantId: await grant.save() } };
}

provider.use(async (ctx, next) => {
  const accountPath = ctx.path.match(/^\/test\/accounts\/([a-z][a-z0-9._-]{1,63})$/);
  if (accountPath && ctx.method === 'PUT') {
    if (!isAdmin(ctx)) { ctx.status = 401; return; }
    accounts.set(accountPath[1], JSON.parse(await readBody(ctx.req)));
    ctx.status = 204;
    return;
  }
  const interaction = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!interaction) { await next(); return; }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name === 'consent') {
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, await grantConsent(details), { mergeWithLastSubmission: true }));
    return;
  }
  if (!interaction[2] || ctx.method !== 'POST') {
    ctx.type = 'html';
    ctx.body = loginPage(details.uid);
    return;
  }
  const form = new URLSearchParams(await readBody(ctx.req));
  const username = form.get('username') || '';
  const account = accounts.get(username);
  const code = (form.get('code') || '').trim();
  if (!account || !same(form.get('password') || '', account.password) || (code && !same(code, account.code || ''))) {
    ctx.type = 'html';
    ctx.status = 401;
    ctx.body = loginPage(details.uid, 'Wrong username, password or code.');
    return;
  }
  const login = code
    ? { accountId: username, amr: ['pwd', 'otp'], acr: ACR_SECOND_FACTOR }
    : { accountId: username, amr: ['pwd'], acr: ACR_PASSWORD };
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false }));
});

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening at ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
