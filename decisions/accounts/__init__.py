"""Accounts fit for a government system (等保 2.0 level 3): login lockout, session timeouts,
password rules, the second factor and the security log."""
