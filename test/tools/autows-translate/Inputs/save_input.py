"""Writes a seeded standard-normal float32 .npy input: `python save_input.py SHAPE OUT.npy` (SHAPE like 1x3x8x8)."""
import sys

import numpy as np

shape = [int(d) for d in sys.argv[1].split("x")]
np.save(sys.argv[2], np.random.default_rng(0).standard_normal(shape).astype(np.float32))
