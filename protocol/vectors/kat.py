# Recompute the protocol v1 known-answer vectors with an independent
# implementation (Python hmac + PyNaCl): pip install pynacl && python3 kat.py
import hashlib, hmac
from nacl.signing import SigningKey
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt as xenc
def hkdf(ikm, info):
    prk = hmac.new(b"\0"*32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()
S = bytes(range(32))
sk = SigningKey(hkdf(S, b"cahier/v1/write")); pk = bytes(sk.verify_key)
V = hkdf(S, b"cahier/v1/view"); K = hkdf(V, b"cahier/v1/enc")
room = hashlib.sha256(b"cahier/v1/room" + pk).digest()[:16]
ctx = room + bytes([1]) + b"\x11"*16 + (0).to_bytes(8, "big")
ct = b"\x22"*24 + xenc(b"Cahier", b"cahier/v1/aead" + ctx, b"\x22"*24, K)
sig = sk.sign(b"cahier/v1/sig" + ctx + ct).signature
for n, v in [("write_pk", pk), ("view", V), ("room", room), ("ciphertext", ct), ("signature", sig)]: print(n, v.hex())
