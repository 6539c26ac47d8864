"""Reports for auditors and the public: compliance and transparency data (pure) and their
renderers (JSON, HTML, PDF)."""
