package dev.margincall.submit;

import dev.margincall.chain.CallRequest;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.web3j.crypto.exception.CipherException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.crypto.WalletUtils;

/**
 * The keeper's key, held only here: signs EIP-1559 transactions. Loaded from an environment variable's
 * value or an encrypted keystore. No message, log line or {@link #toString()} ever contains the key:
 * errors name where the key came from, not what it was.
 */
public final class TransactionSigner {

    private final Credentials credentials;
    private final Address address;

    private TransactionSigner(Credentials credentials) {
        this.credentials = credentials;
        this.address = Address.of(credentials.getAddress());
    }

    /** @param source where the key came from, for error messages (e.g. "environment variable MC_PRIVATE_KEY") */
    public static TransactionSigner fromPrivateKey(String privateKeyHex, String source) {
        String key = privateKeyHex == null ? "" : privateKeyHex.strip();
        String digits = key.startsWith("0x") || key.startsWith("0X") ? key.substring(2) : key;
        if (!digits.matches("[0-9a-fA-F]{64}")) {
            throw new SignerException(source + " does not hold a private key: expected 64 hex digits (optionally 0x-prefixed)");
        }
        BigInteger secret = new BigInteger(digits, 16);
        if (secret.signum() == 0) {
            throw new SignerException(source + " holds the zero key, which cannot sign");
        }
        if (secret.compareTo(Secp256k1Signature.N) >= 0) {
            throw new SignerException(source + " holds a number at or above the secp256k1 group order, which is no private key");
        }
        return new TransactionSigner(Credentials.create(ECKeyPair.create(secret)));
    }

    public static TransactionSigner fromKeystore(Path keystore, String password, String passwordSource) {
        if (!Files.isReadable(keystore)) {
            throw new SignerException("keystore " + keystore + " is not a readable file: give the path of an encrypted JSON keystore");
        }
        try {
            return new TransactionSigner(WalletUtils.loadCredentials(password, keystore.toFile()));
        } catch (CipherException e) {
            throw new SignerException("keystore " + keystore + " could not be decrypted with the password from " + passwordSource
                    + ": check the password");
        } catch (IOException | RuntimeException e) {
            throw new SignerException("keystore " + keystore + " is not a valid encrypted JSON keystore");
        }
    }

    public Address address() {
        return address;
    }

    /** Signs {@code tx} (nonce, gas, both fee caps and {@code to} set) for {@code chainId}; returns the raw transaction hex. */
    public String sign(long chainId, CallRequest tx) {
        if (tx.nonce() == null || tx.gas() == null || tx.maxFeePerGas() == null || tx.maxPriorityFeePerGas() == null) {
            throw new IllegalArgumentException("a transaction to sign needs nonce, gas and both fee caps");
        }
        // no recipient: a contract creation (RLP encodes an empty 'to')
        RawTransaction raw = RawTransaction.createTransaction(chainId, BigInteger.valueOf(tx.nonce()), tx.gas(), tx.to() == null ? "" : tx.to().hex(),
                tx.value() == null ? BigInteger.ZERO : tx.value(), tx.data() == null ? "0x" : tx.data(),
                tx.maxPriorityFeePerGas(), tx.maxFeePerGas());
        // what TransactionEncoder.signMessage does, with the faster signature (Secp256k1Signature says why)
        byte[] hash = org.web3j.crypto.Hash.sha3(TransactionEncoder.encode(raw));
        return Hex.of(TransactionEncoder.encode(raw, Secp256k1Signature.sign(hash, credentials.getEcKeyPair().getPrivateKey())));
    }

    @Override
    public String toString() {
        return "signer " + address;
    }

    /** A key that cannot be loaded; the message never includes key material. */
    public static final class SignerException extends RuntimeException {
        public SignerException(String message) {
            super(message);
        }
    }
}
