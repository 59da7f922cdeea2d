package dev.margincall.app;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.web3j.Web3jEthRpc;
import dev.margincall.submit.TransactionSigner;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The floor under head → wire on this machine and node, measured in the bench's run: one {@code eth_blockNumber} round
 * trip (the least a keeper must ask to learn of a head) plus one {@code eth_sendRawTransaction} of a transaction signed
 * beforehand (the least it must do to act), through the keeper's own HTTP client. A keeper cannot beat their sum; the
 * bench reports its head → wire as a multiple of it.
 */
final class WireFloor {

    private static final int WARM_UP = 20;

    private WireFloor() {
    }

    /**
     * {@code samples} pairs after {@link #WARM_UP} unrecorded ones: self-transfers of 0 from {@code key}'s account at its next
     * nonces, signed before the clock starts. Automine is off while it runs (sends are pooled and answered as on an
     * interval-mined chain), then one block mines them.
     */
    static Map<String, Object> measure(DevChain chain, String rpcUrl, long chainId, String key, int samples) {
        TransactionSigner signer = TransactionSigner.fromPrivateKey(key, "the bench key");
        BlockHeader head = chain.block(BlockTag.LATEST);
        BigInteger tip = BigInteger.ONE;
        BigInteger maxFee = head.baseFeePerGas().multiply(BigInteger.TWO).add(tip);
        long nonce = chain.transactionCount(signer.address(), BlockTag.PENDING);
        List<String> signed = new ArrayList<>();
        for (int i = 0; i < WARM_UP + samples; i++) {
            signed.add(signer.sign(chainId, new CallRequest(signer.address(), signer.address(), "0x", BigInteger.ZERO, BigInteger.valueOf(21_000))
                    .withNonce(nonce + i).withFees(maxFee, tip)));
        }
        List<Double> blockNumberMs = new ArrayList<>();
        List<Double> sendMs = new ArrayList<>();
        List<Double> totalMs = new ArrayList<>();
        chain.setAutomine(false);
        try (Web3jEthRpc rpc = new Web3jEthRpc(rpcUrl)) {
            for (int i = 0; i < signed.size(); i++) {
                long t0 = System.nanoTime();
                rpc.blockNumber();
                long t1 = System.nanoTime();
                rpc.sendRawTransaction(signed.get(i));
                long t2 = System.nanoTime();
                if (i >= WARM_UP) {
                    blockNumberMs.add((t1 - t0) / 1e6);
                    sendMs.add((t2 - t1) / 1e6);
                    totalMs.add((t2 - t0) / 1e6);
                }
            }
        } finally {
            chain.mine();
            chain.setAutomine(true);
        }
        Map<String, Object> floor = new LinkedHashMap<>();
        floor.put("samples", samples);
        floor.put("blockNumberMs", BenchReport.percentiles(blockNumberMs));
        floor.put("sendPreSignedMs", BenchReport.percentiles(sendMs));
        floor.put("totalMs", BenchReport.percentiles(totalMs));
        return floor;
    }
}
