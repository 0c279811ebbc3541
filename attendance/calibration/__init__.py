"""Score calibrations of the face models, written by bench/calibrate.py (thresholds.py)."""
