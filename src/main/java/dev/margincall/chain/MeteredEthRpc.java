package dev.margincall.chain;

import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Times every call of one endpoint, tagged by method and outcome. Timers are registered once per
 * (method, outcome) and kept: building and looking one up in the registry on every call costs more than
 * the timing itself on a hot path of thousands of calls per block.
 */
public final class MeteredEthRpc extends ForwardingEthRpc {

    private record TimerKey(String method, String outcome) {
    }

    private final EthRpc delegate;
    private final MeterRegistry registry;
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    public MeteredEthRpc(EthRpc delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    @Override
    protected <T> T invoke(String rpcMethod, Function<EthRpc, T> call) {
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
