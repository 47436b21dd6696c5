# Recompute the protocol's known-answer vectors (v1 and v2) with an
# independent implementation (Python hmac + PyNaCl):
#   pip install pynacl && python3 kat.py
import hashlib, hmac
from nacl.signing import SigningKey
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt as xenc
def hkdf(ikm, info):
    prk = hmac.new(b"\0"*32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()
def context(room, kind, msg_id, covers_upto=0):
    return room + bytes([kind]) + msg_id + covers_upto.to_bytes(8, "big")
def seal(K, sk, ctx, nonce, plaintext):
    ct = nonce + xenc(plaintext, b"cahier/v1/aead" + ctx, nonce, K)
    return ct, sk.sign(b"cahier/v1/sig" + ctx + ct).signature
S = bytes(range(32))
sk = SigningKey(hkdf(S, b"cahier/v1/write")); pk = bytes(sk.verify_key)
V = hkdf(S, b"cahier/v1/view"); K = hkdf(V, b"cahier/v1/enc")
room = hashlib.sha256(b"cahier/v1/room" + pk).digest()[:16]
ct, sig = seal(K, sk, context(room, 1, b"\x11"*16), b"\x22"*24, b"Cahier")
# Version 2: the read capability, its check, the creation proof, and the
# seventh presence frame of peer 5.
cap = hkdf(V, b"cahier/v2/read")
check = hashlib.sha256(b"cahier/v2/read-check" + cap).digest()
create = sk.sign(b"cahier/v2/create" + room + check).signature
peer_counter = (5).to_bytes(8, "big") + (7).to_bytes(8, "big")
act, asig = seal(K, sk, context(room, 3, peer_counter), b"\x33"*24, b"here")
for n, v in [("write_pk", pk), ("view", V), ("room", room), ("ciphertext", ct),
             ("signature", sig), ("cap", cap), ("read_check", check),
             ("create_sig", create), ("aware_ct", act), ("aware_sig", asig)]:
    print(n, v.hex())
