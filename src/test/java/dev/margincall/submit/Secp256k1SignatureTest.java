package dev.margincall.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.CallRequest;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.Sign;
import org.web3j.crypto.TransactionEncoder;

/** The faster signature is web3j's, byte for byte: on random keys and hashes, and on whole signed transactions. */
class Secp256k1SignatureTest {

    private static final BigInteger N = Sign.CURVE_PARAMS.getN();

    @Test
    void signaturesOfRandomHashesAreWeb3jsByteForByte() {
        Random random = new Random(20261204);
        int[] recoveryIds = new int[2];
        int shortR = 0;
        int shortS = 0;
        for (int i = 0; i < 2_000; i++) {
            BigInteger key = new BigInteger(256, random).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            Sign.SignatureData expected = Sign.signMessage(hash, ECKeyPair.create(key), false);
            Sign.SignatureData actual = Secp256k1Signature.sign(hash, key);
            assertThat(actual.getR()).as("r, key #%d", i).isEqualTo(expected.getR());
            assertThat(actual.getS()).as("s, key #%d", i).isEqualTo(expected.getS());
            assertThat(actual.getV()).as("v, key #%d", i).isEqualTo(expected.getV());
            recoveryIds[actual.getV()[0] - 27]++;
            shortR += actual.getR()[0] == 0 ? 1 : 0; // r below 2^248: its 32 bytes start with padding
            shortS += actual.getS()[0] == 0 ? 1 : 0;
        }
        assertThat(shortR).as("signatures whose r needed left padding").isPositive();
        assertThat(shortS).as("signatures whose s needed left padding").isPositive();
        assertThat(Math.min(recoveryIds[0], recoveryIds[1])).as("both recovery ids drawn (the parity and the low-s flip are exercised)")
                .isGreaterThan(800);
    }

    @Test
    void extremeKeysAndHashesSignAsWeb3jDoes() {
        // keys 1, 2^255 and n − 1, and hashes with leading zero bytes (short r and s are the random test's: a 1/256 chance each)
        for (BigInteger key : new BigInteger[] {BigInteger.ONE, N.subtract(BigInteger.ONE), BigInteger.TWO.pow(255)}) {
            for (int zeros = 0; zeros < 32; zeros += 8) {
                byte[] hash = new byte[32];
                for (int b = zeros; b < 32; b++) {
                    hash[b] = (byte) (b * 37 + 11);
                }
                Sign.SignatureData expected = Sign.signMessage(hash, ECKeyPair.create(key), false);
                Sign.SignatureData actual = Secp256k1Signature.sign(hash, key);
                assertThat(actual.getR()).hasSize(32).isEqualTo(expected.getR());
                assertThat(actual.getS()).hasSize(32).isEqualTo(expected.getS());
                assertThat(actual.getV()).isEqualTo(expected.getV());
            }
        }
        assertThatThrownBy(() -> Secp256k1Signature.sign(new byte[31], BigInteger.ONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32-byte hash");
    }

    @Test
    void signedTransactionsAreWhatWeb3jSigns() {
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            BigInteger key = new BigInteger(256, random).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
            byte[] data = new byte[random.nextInt(2_000)];
            random.nextBytes(data);
            byte[] to = new byte[20];
            random.nextBytes(to);
            long nonce = random.nextInt(1_000_000);
            BigInteger gas = BigInteger.valueOf(21_000 + random.nextInt(5_000_000));
            BigInteger tip = BigInteger.valueOf(random.nextInt(1_000_000_000));
            BigInteger cap = tip.add(BigInteger.valueOf(random.nextLong() >>> 2));
            long chainId = random.nextBoolean() ? 1 : 31_337;
            CallRequest tx = new CallRequest(null, Address.of(Hex.of(to)), Hex.of(data), null, gas).withNonce(nonce).withFees(cap, tip);
            String ours = TransactionSigner.fromPrivateKey(String.format("%064x", key), "the test").sign(chainId, tx);
            RawTransaction raw = RawTransaction.createTransaction(chainId, BigInteger.valueOf(nonce), gas, Hex.of(to), BigInteger.ZERO, Hex.of(data),
                    tip, cap);
            assertThat(ours).as("transaction #%d", i).isEqualTo(Hex.of(TransactionEncoder.signMessage(raw, Credentials.create(ECKeyPair.create(key)))));
        }
    }
}
