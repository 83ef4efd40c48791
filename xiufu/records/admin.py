# Credit records are deliberately not in the admin: every read of credit data goes through the
# logged selectors (xiufu/records/selectors.py), which the admin would bypass.
