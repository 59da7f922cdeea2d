package dev.margincall.chain;

import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Times every call of one endpoint, tagged by method and outcome. Timers are registered once per
 * (method, outcome) and kept: building and looking one up in the registry on every call costs more than
 * the timing itself on a hot path of thousands of calls per block.
 *
 * <p>{@link MetricNames#RPC_CALLS} counts JSON-RPC calls rather than round trips: a batch of n calls
 * ({@link #calls}, {@link #blocks}, {@link #receipts}) is one request in the timer and n calls in the
 * counter, as providers bill them.
 */
public final class MeteredEthRpc extends ForwardingEthRpc {

    private record TimerKey(String method, String outcome) {
    }

    private final EthRpc delegate;
    private final MeterRegistry registry;
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> callCounters = new ConcurrentHashMap<>();

    public MeteredEthRpc(EthRpc delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    @Override
    protected <T> T invoke(String rpcMethod, Function<EthRpc, T> call) {
        return timed(rpcMethod, 1, call);
    }

    @Override
    public List<BlockHeader> blocks(List<Long> numbers) {
        return timed("eth_getBlockByNumber", numbers.size(), rpc -> rpc.blocks(numbers));
    }

    @Override
    public List<String> calls(List<CallRequest> requests, BlockTag tag) {
        return timed("eth_call", requests.size(), rpc -> rpc.calls(requests, tag));
    }

    @Override
    public List<java.util.Optional<TransactionReceipt>> receipts(List<String> transactionHashes) {
        return timed("eth_getTransactionReceipt", transactionHashes.size(), rpc -> rpc.receipts(transactionHashes));
    }

    @Override
    public List<SendAnswer> sendRawTransactions(List<String> signedTransactions) {
        return timed("eth_sendRawTransaction", signedTransactions.size(), rpc -> rpc.sendRawTransactions(signedTransactions));
    }

    private <T> T timed(String rpcMethod, int jsonRpcCalls, Function<EthRpc, T> call) {
        callCounters.computeIfAbsent(rpcMethod, m -> Counter.builder(MetricNames.RPC_CALLS).tag("endpoint", delegate.endpointName())
                .tag("method", m).register(registry)).increment(jsonRpcCalls);
        Timer.Sample sample = Timer.start(registry);
        String outcome = "ok";
        try {
            return call.apply(delegate);
        } catch (RuntimeException e) {
            outcome = RpcErrors.classify(e).name().toLowerCase(Locale.ROOT);
            throw e;
        } finally {
            sample.stop(timers.computeIfAbsent(new TimerKey(rpcMethod, outcome), this::register));
        }
    }

    private Timer register(TimerKey key) {
        return Timer.builder(MetricNames.RPC_REQUESTS)
                .tag("endpoint", delegate.endpointName())
                .tag("method", key.method())
                .tag("outcome", key.outcome())
                .register(registry);
    }

    @Override
    public String endpointName() {
        return delegate.endpointName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
