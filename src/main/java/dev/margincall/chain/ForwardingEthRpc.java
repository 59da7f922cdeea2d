package dev.margincall.chain;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Base of the decorators around {@link EthRpc}: every call is routed through {@link #invoke} with its
 * JSON-RPC method name, so a decorator (metrics, retries, failover) is written once, not per method.
 */
public abstract class ForwardingEthRpc implements EthRpc {

    /** Runs {@code call} against the delegate(s) this decorator manages. */
    protected abstract <T> T invoke(String rpcMethod, Function<EthRpc, T> call);

    @Override
    public long chainId() {
        return invoke("eth_chainId", EthRpc::chainId);
    }

    @Override
    public long blockNumber() {
        return invoke("eth_blockNumber", EthRpc::blockNumber);
    }

    @Override
    public BlockHeader block(BlockTag tag) {
        return invoke("eth_getBlockByNumber", rpc -> rpc.block(tag));
    }

    @Override
    public List<BlockHeader> blocks(List<Long> numbers) {
        return invoke("eth_getBlockByNumber", rpc -> rpc.blocks(numbers));
    }

    @Override
    public String call(CallRequest request, BlockTag tag) {
        return invoke("eth_call", rpc -> rpc.call(request, tag));
    }

    @Override
    public List<String> calls(List<CallRequest> requests, BlockTag tag) {
        return invoke("eth_call", rpc -> rpc.calls(requests, tag));
    }

    @Override
    public BigInteger estimateGas(CallRequest request) {
        return invoke("eth_estimateGas", rpc -> rpc.estimateGas(request));
    }

    @Override
    public String call(CallRequest request, BlockTag tag, StateOverride override) {
        return invoke("eth_call", rpc -> rpc.call(request, tag, override));
    }

    @Override
    public BigInteger estimateGas(CallRequest request, StateOverride override) {
        return invoke("eth_estimateGas", rpc -> rpc.estimateGas(request, override));
    }

    @Override
    public List<SimulatedCall> simulate(List<CallRequest> transactions, BlockTag parent, long timestamp) {
        return invoke("eth_simulateV1", rpc -> rpc.simulate(transactions, parent, timestamp));
    }

    @Override
    public List<LogEntry> logs(LogFilter filter) {
        return invoke("eth_getLogs", rpc -> rpc.logs(filter));
    }

    @Override
    public List<LogEntry> logsOfBlock(String blockHash, List<Address> addresses, List<String> topic0s) {
        return invoke("eth_getLogs", rpc -> rpc.logsOfBlock(blockHash, addresses, topic0s));
    }

    @Override
    public FeeHistory feeHistory(int blockCount, BlockTag newestBlock, List<Double> rewardPercentiles) {
        return invoke("eth_feeHistory", rpc -> rpc.feeHistory(blockCount, newestBlock, rewardPercentiles));
    }

    @Override
    public Optional<TransactionReceipt> receipt(String transactionHash) {
        return invoke("eth_getTransactionReceipt", rpc -> rpc.receipt(transactionHash));
    }

    @Override
    public List<Optional<TransactionReceipt>> receipts(List<String> transactionHashes) {
        return invoke("eth_getTransactionReceipt", rpc -> rpc.receipts(transactionHashes));
    }

    @Override
    public String code(Address address, BlockTag tag) {
        return invoke("eth_getCode", rpc -> rpc.code(address, tag));
    }

    @Override
    public BigInteger balance(Address address, BlockTag tag) {
        return invoke("eth_getBalance", rpc -> rpc.balance(address, tag));
    }

    @Override
    public long transactionCount(Address address, BlockTag tag) {
        return invoke("eth_getTransactionCount", rpc -> rpc.transactionCount(address, tag));
    }

    @Override
    public String sendRawTransaction(String signedTransaction) {
        return invoke("eth_sendRawTransaction", rpc -> rpc.sendRawTransaction(signedTransaction));
    }

    @Override
    public List<SendAnswer> sendRawTransactions(List<String> signedTransactions) {
        return invoke("eth_sendRawTransaction", rpc -> rpc.sendRawTransactions(signedTransactions));
    }
}
