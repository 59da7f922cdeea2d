package dev.margincall.submit;

import java.math.BigInteger;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.web3j.crypto.Sign;

/**
 * The secp256k1 signature web3j makes ({@code Sign.signMessage}: RFC 6979 nonce, s made low), with BouncyCastle's own
 * primitives, but with the recovery id read off the nonce point R instead of found by recovering the public key from
 * each candidate id in turn (web3j's {@code createSignatureData}). That trial costs more than the signature itself: on
 * this machine 0.41 ms per transaction signed through web3j, 0.10 ms for the bare signature (a crash step signs
 * hundreds of transactions on the keeper's critical path). {@code Secp256k1SignatureTest} checks the two agree byte for
 * byte on random keys and messages.
 */
final class Secp256k1Signature {

    private static final ECDomainParameters CURVE = new ECDomainParameters(Sign.CURVE_PARAMS.getCurve(), Sign.CURVE_PARAMS.getG(),
            Sign.CURVE_PARAMS.getN(), Sign.CURVE_PARAMS.getH());
    /** The group order: private keys and signature scalars are below it. */
    static final BigInteger N = CURVE.getN();
    private static final BigInteger HALF_N = N.shiftRight(1);
    private static final FixedPointCombMultiplier MULTIPLIER = new FixedPointCombMultiplier();

    private Secp256k1Signature() {
    }

    /** Signs the 32-byte {@code hash} with {@code privateKey}; v is 27 + the recovery id, as web3j gives it. */
    static Sign.SignatureData sign(byte[] hash, BigInteger privateKey) {
        if (hash.length != 32) {
            throw new IllegalArgumentException("a secp256k1 signature is of a 32-byte hash, got " + hash.length + " bytes");
        }
        BigInteger e = new BigInteger(1, hash); // 256 bits, as many as n has: no truncation (SEC 1, 4.1.3 step 5)
        HMacDSAKCalculator nonces = new HMacDSAKCalculator(new SHA256Digest());
        nonces.init(N, privateKey, hash);
        while (true) {
            BigInteger k = nonces.nextK();
            ECPoint point = MULTIPLIER.multiply(CURVE.getG(), k).normalize();
            BigInteger x = point.getAffineXCoord().toBigInteger();
            BigInteger r = x.mod(N);
            if (r.signum() == 0) {
                continue;
            }
            BigInteger s = k.modInverse(N).multiply(e.add(privateKey.multiply(r))).mod(N);
            if (s.signum() == 0) {
                continue;
            }
            // the recovery id: R's y parity, plus 2 if R's x was reduced mod n; a high s is replaced by n − s, which negates R
            int recoveryId = (point.getAffineYCoord().toBigInteger().testBit(0) ? 1 : 0) | (x.equals(r) ? 0 : 2);
            if (s.compareTo(HALF_N) > 0) {
                s = N.subtract(s);
                recoveryId ^= 1;
            }
            return new Sign.SignatureData((byte) (27 + recoveryId), word(r), word(s));
        }
    }

    private static byte[] word(BigInteger value) {
        byte[] out = new byte[32];
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > 32 ? bytes.length - 32 : 0; // a leading sign byte
        System.arraycopy(bytes, skip, out, 32 - (bytes.length - skip), bytes.length - skip);
        return out;
    }
}
