package dev.margincall.chain;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * The JSON-RPC calls Margin Call uses, typed. Everything the keeper knows about a chain comes through
 * this interface; only the web3j adapter implements it against a node, decorators add resilience and
 * metrics around it.
 */
public interface EthRpc extends AutoCloseable {

    long chainId();

    long blockNumber();

    BlockHeader block(BlockTag tag);

    /** Headers of many blocks in one round trip, in the order asked. */
    List<BlockHeader> blocks(List<Long> numbers);

    /** Runs a call; a revert is thrown as {@link CallRevertedException}. */
    String call(CallRequest request, BlockTag tag);

    /**
     * Many calls at one block in one JSON-RPC batch (one HTTP round trip), answers in the order asked;
     * a revert fails the whole batch. For chains without Multicall3, or calls that must not share a frame.
     */
    List<String> calls(List<CallRequest> requests, BlockTag tag);

    BigInteger estimateGas(CallRequest request);

    /** {@link #call(CallRequest, BlockTag)} with storage words assumed (the node's state override). */
    String call(CallRequest request, BlockTag tag, StateOverride override);

    /** {@link #estimateGas(CallRequest)} on the latest state with storage words assumed. */
    BigInteger estimateGas(CallRequest request, StateOverride override);

    /**
     * {@code eth_simulateV1}: the transactions run one after another in one simulated block on top of
     * {@code parent}, each on the state the ones before it left, as the chain will execute them in nonce
     * order. {@code timestamp} stamps that block (the next block's time, so interest accrues as it will
     * when mined); 0 leaves it to the node. No nonce, fee or balance validation. Throws
     * {@link RpcException} when the node does not offer the method.
     */
    List<SimulatedCall> simulate(List<CallRequest> transactions, BlockTag parent, long timestamp);

    List<LogEntry> logs(LogFilter filter);

    /** The logs of one block, by its hash: consistent with that header even while the chain reorganizes. */
    List<LogEntry> logsOfBlock(String blockHash, List<dev.margincall.core.Address> addresses, List<String> topic0s);

    FeeHistory feeHistory(int blockCount, BlockTag newestBlock, List<Double> rewardPercentiles);

    Optional<TransactionReceipt> receipt(String transactionHash);

    /** Receipts of many transactions in one round trip, in the order asked. */
    List<Optional<TransactionReceipt>> receipts(List<String> transactionHashes);

    String code(Address address, BlockTag tag);

    BigInteger balance(Address address, BlockTag tag);

    long transactionCount(Address address, BlockTag tag);

    String sendRawTransaction(String signedTransaction);

    /**
     * Many signed transactions in one JSON-RPC batch (one round trip), in the order given, which is the order the node
     * takes them in; one answer each. A node's error for one transaction is that one's answer, not thrown; what is
     * thrown concerns the batch as a whole ({@link RpcException#TRANSPORT}: any of them may have reached the node).
     * This default sends them one by one, for implementations without batches.
     */
    default List<SendAnswer> sendRawTransactions(List<String> signedTransactions) {
        List<SendAnswer> answers = new java.util.ArrayList<>(signedTransactions.size());
        for (String raw : signedTransactions) {
            try {
                answers.add(SendAnswer.sent(sendRawTransaction(raw)));
            } catch (RpcException e) {
                if (e.code() == RpcException.TRANSPORT) {
                    throw e;
                }
                answers.add(SendAnswer.refused(e));
            }
        }
        return answers;
    }

    /** The endpoint this client talks to, for logs and metrics (never includes credentials). */
    String endpointName();

    @Override
    void close();
}
