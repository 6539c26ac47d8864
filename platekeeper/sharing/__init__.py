"""Sharing with other agencies, only as the law and the policy allow."""
