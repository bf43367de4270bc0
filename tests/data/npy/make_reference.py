# Writes the reference .npy/.npz files next to this script with numpy (how they were made; the tests
# read the committed copies, so they run without numpy). Run: /usr/bin/python3 make_reference.py
import os
import numpy as np

os.chdir(os.path.dirname(os.path.abspath(__file__)))
a = np.arange(6, dtype=np.float32).reshape(2, 3) * 0.25
np.save('f4_c.npy', a)
b = np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 5.5)
np.save('f8_fortran.npy', b)
with open('f8_big_v2.npy', 'wb') as f:
    np.lib.format.write_array(f, (np.arange(4) * -1.5).astype('>f8'), version=(2, 0))
with open('i4_v3.npy', 'wb') as f:
    np.lib.format.write_array(f, np.array([[-7, 0, 2147483647]], dtype='<i4'), version=(3, 0))
np.save('u4_kintree.npy', np.array([[4294967295, 0, 0, 1], [0, 1, 2, 3]], dtype=np.uint32))
np.save('u1.npy', np.array([0, 1, 255], dtype=np.uint8))
np.save('b1.npy', np.array([True, False, True]))
np.save('s_names.npy', np.array([b'pelvis', b'left_hip', b'x']))
np.save('scalar_i8.npy', np.int64(-42))
np.save('object.npy', np.array([{'a': 1}], dtype=object), allow_pickle=True)
np.savez('stored.npz', v=a, f=np.array([[0, 1, 2]], dtype=np.int64), names=np.array([b'a', b'bc']))
np.savez_compressed('deflated.npz', v=a, w=b)
