package dev.margincall.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.CallRequest;
import dev.margincall.core.Address;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class TransactionSignerTest {

    /** Anvil's dev account #8 (a public test key). */
    static final String KEY = "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";

    @Test
    void derivesTheAddressAndNeverShowsTheKey() {
        TransactionSigner signer = TransactionSigner.fromPrivateKey("0x" + KEY, "environment variable MC_PRIVATE_KEY");
        assertThat(signer.address()).isEqualTo(Address.of("0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f"));
        assertThat(signer.toString()).doesNotContain(KEY).contains(signer.address().toString());
    }

    @Test
    void aMalformedKeyIsRefusedWithoutEchoingIt() {
        String almost = KEY.substring(0, 63) + "z";
        assertThatThrownBy(() -> TransactionSigner.fromPrivateKey(almost, "environment variable MC_PRIVATE_KEY"))
                .hasMessageContaining("MC_PRIVATE_KEY").hasMessageNotContaining(KEY.substring(0, 20));
    }

    @Test
    void aNumberAtOrAboveTheGroupOrderIsRefused() {
        // n, and 2^256 − 1: 64 hex digits that are no private key (web3j's BouncyCastle signer refused them when signing)
        for (String key : new String[] {"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", "f".repeat(64)}) {
            assertThatThrownBy(() -> TransactionSigner.fromPrivateKey(key, "environment variable MC_PRIVATE_KEY"))
                    .hasMessageContaining("MC_PRIVATE_KEY").hasMessageContaining("group order").hasMessageNotContaining(key.substring(0, 20));
        }
        assertThat(TransactionSigner.fromPrivateKey("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", "n − 1").address()).isNotNull();
    }

    @Test
    void signsAnEip1559TransactionForTheChain() throws Exception {
        TransactionSigner signer = TransactionSigner.fromPrivateKey(KEY, "test");
        String raw = signer.sign(31337, new CallRequest(signer.address(), signer.address(), "0x", BigInteger.ZERO, BigInteger.valueOf(21_000),
                7L, BigInteger.TEN.pow(10), BigInteger.TEN.pow(9)));
        assertThat(raw).startsWith("0x02"); // EIP-2718 type 2
        org.web3j.crypto.SignedRawTransaction decoded = (org.web3j.crypto.SignedRawTransaction) org.web3j.crypto.TransactionDecoder.decode(raw);
        assertThat(decoded.getNonce()).isEqualTo(BigInteger.valueOf(7));
        assertThat(Address.of(decoded.getFrom())).isEqualTo(signer.address());
    }

    @Test
    void loadsAnEncryptedKeystoreAndRefusesAWrongPasswordWithoutDetails(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        org.web3j.crypto.ECKeyPair pair = org.web3j.crypto.ECKeyPair.create(new BigInteger(KEY, 16));
        String name = org.web3j.crypto.WalletUtils.generateWalletFile("correct horse", pair, dir.toFile(), false);
        java.nio.file.Path keystore = dir.resolve(name);
        TransactionSigner signer = TransactionSigner.fromKeystore(keystore, "correct horse", "environment variable MC_KEYSTORE_PASSWORD");
        assertThat(signer.address()).isEqualTo(Address.of("0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f"));
        assertThatThrownBy(() -> TransactionSigner.fromKeystore(keystore, "wrong", "environment variable MC_KEYSTORE_PASSWORD"))
                .hasMessageContaining("could not be decrypted").hasMessageContaining("MC_KEYSTORE_PASSWORD").hasMessageNotContaining(KEY.substring(0, 16));
    }
}
