"""The Open Referral UK 3.0 API: views, query parameters and JSON representations."""
