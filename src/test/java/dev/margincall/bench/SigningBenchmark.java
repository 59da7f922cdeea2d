package dev.margincall.bench;

import dev.margincall.chain.CallRequest;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.submit.TransactionSigner;
import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;

/**
 * Signing one liquidation transaction (a 1,200-byte batch call, EIP-1559): the keeper's signer against web3j's
 * {@code TransactionEncoder.signMessage}, which finds the recovery id by trial ({@code Secp256k1Signature} says why that
 * matters). The nonce changes per call so that no signature is a repeat. {@code bin/jmh SigningBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 7, time = 2)
@Fork(1)
public class SigningBenchmark {

    /** Anvil's dev account #1 (a public test key). */
    private static final String KEY = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    private static final Address TO = Address.of("0x5FbDB2315678afecb367f032d93F642f64180aa3");

    private TransactionSigner signer;
    private Credentials credentials;
    private String data;
    private long nonce;

    @Setup
    public void setUp() {
        signer = TransactionSigner.fromPrivateKey(KEY, "the benchmark");
        credentials = Credentials.create(ECKeyPair.create(new BigInteger(KEY, 16)));
        byte[] bytes = new byte[1_200];
        new java.util.Random(1).nextBytes(bytes);
        data = Hex.of(bytes);
    }

    @Benchmark
    public String keeperSigner() {
        return signer.sign(31_337, new CallRequest(null, TO, data, null, BigInteger.valueOf(900_000)).withNonce(nonce++)
                .withFees(BigInteger.valueOf(30_000_000_000L), BigInteger.valueOf(1_000_000_000L)));
    }

    @Benchmark
    public byte[] web3jSignMessage() {
        return TransactionEncoder.signMessage(RawTransaction.createTransaction(31_337, BigInteger.valueOf(nonce++), BigInteger.valueOf(900_000), TO.hex(),
                BigInteger.ZERO, data, BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(30_000_000_000L)), credentials);
    }
}
