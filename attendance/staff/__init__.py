"""Staff who work in the browser: sign-in sessions now, staff accounts and roles later."""
