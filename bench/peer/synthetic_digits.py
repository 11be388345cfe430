"""Binary stand-ins for MNIST digits, identical to bench/peer/synthetic-digits.ts.

Pixel d of image n is ink when the murmur3 finaliser of its flat index 784*n + d,
shifted to 24 bits, falls under a threshold: about 0.45 inside a centred disc of
radius 9 pixels, 0.02 outside. numpy only, so both Python peers (TensorFlow, JAX) use it.
"""
import numpy as np

INK_INSIDE = 7_549_747  # out of 2**24
INK_OUTSIDE = 335_544
SIDE, RADIUS_SQUARED = 28, 81


def mix32(h):
    """The murmur3 finaliser on a uint32 array (multiplications wrap modulo 2**32)."""
    h = h.astype(np.uint32)
    h = (h ^ (h >> np.uint32(16))) * np.uint32(0x85EBCA6B)
    h = (h ^ (h >> np.uint32(13))) * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def synthetic_digits(count):
    """`count` binary images as a float32 array [count, 784]."""
    pixels = SIDE * SIDE
    d = np.arange(pixels)
    row, col = d // SIDE, d % SIDE
    inside = (row - 13.5) ** 2 + (col - 13.5) ** 2 <= RADIUS_SQUARED
    threshold = np.where(inside, INK_INSIDE, INK_OUTSIDE).astype(np.uint32)
    index = np.arange(count * pixels, dtype=np.uint32).reshape(count, pixels)
    return ((mix32(index) >> np.uint32(8)) < threshold).astype(np.float32)
