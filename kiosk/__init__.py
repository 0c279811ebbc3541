"""The camera kiosk process (arrives with the kiosk issue)."""
