"""conftest.py — makes the tests import the binding from this checkout (python/nianbao),
not one installed elsewhere."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
