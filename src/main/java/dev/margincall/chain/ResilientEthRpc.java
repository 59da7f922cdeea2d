package dev.margincall.chain;

import dev.margincall.observability.MetricNames;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several endpoints behind one {@link EthRpc}. Each endpoint has its own Resilience4j retry (transient
 * failures only, exponential backoff with jitter), circuit breaker and rate limiter. A call goes to the
 * first endpoint in the configured order that is neither open nor lagging; when it keeps failing
 * transiently, the next one is tried. Reverts, bad requests and "range too large" are answers, not
 * endpoint failures: they are thrown at once, without retry or failover.
 */
public final class ResilientEthRpc extends ForwardingEthRpc {

    private static final Logger log = LoggerFactory.getLogger(ResilientEthRpc.class);

    /** One configured endpoint and its guards; {@code head} is the latest block number it reported. */
    static final class Endpoint {
        final EthRpc rpc;
        final Retry retry;
        final CircuitBreaker breaker;
        final RateLimiter limiter;
        final AtomicLong head = new AtomicLong(-1);
        final AtomicLong lag = new AtomicLong();

        Endpoint(EthRpc rpc, Retry retry, CircuitBreaker breaker, RateLimiter limiter) {
            this.rpc = rpc;
            this.retry = retry;
            this.breaker = breaker;
            this.limiter = limiter;
        }

        String name() {
            return rpc.endpointName();
        }
    }

    private final List<Endpoint> endpoints;
    private final RpcPolicy policy;
    private final MeterRegistry registry;

    public ResilientEthRpc(List<? extends EthRpc> rpcs, RpcPolicy policy, MeterRegistry registry) {
        if (rpcs.isEmpty()) {
            throw new IllegalArgumentException("at least one RPC endpoint is needed");
        }
        this.policy = policy;
        this.registry = registry;
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < rpcs.size(); i++) {
            list.add(guard(rpcs.get(i), i));
        }
        this.endpoints = List.copyOf(list);
    }

    private Endpoint guard(EthRpc rpc, int index) {
        String name = "rpc-" + index + "-" + rpc.endpointName();
        RetryConfig retryConfig = RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(policy.initialBackoff(), 2.0, 0.5, policy.maxBackoff()))
                .retryOnException(e -> RpcErrors.classify(e).retryable())
                .failAfterMaxAttempts(false)
                .build();
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .failureRateThreshold(policy.failureRatePercent())
                .slidingWindowSize(policy.breakerWindow())
                .minimumNumberOfCalls(Math.max(1, policy.breakerWindow() / 2))
                .waitDurationInOpenState(policy.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(e -> RpcErrors.classify(e).retryable())
                .build();
        RateLimiterConfig limiterConfig = policy.requestsPerSecond() <= 0
                ? RateLimiterConfig.custom().limitForPeriod(Integer.MAX_VALUE).limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build()
                : RateLimiterConfig.custom().limitForPeriod(policy.requestsPerSecond()).limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(Duration.ofSeconds(5)).build();
        Endpoint endpoint = new Endpoint(rpc, Retry.of(name, retryConfig), CircuitBreaker.of(name, breakerConfig), RateLimiter.of(name, limiterConfig));

        Counter retries = Counter.builder(MetricNames.RPC_RETRIES).tag("endpoint", rpc.endpointName()).register(registry);
        endpoint.retry.getEventPublisher().onRetry(event -> {
            retries.increment();
            log.debug("retrying {} on {} (attempt {}): {}", event.getName(), rpc.endpointName(), event.getNumberOfRetryAttempts(),
                    event.getLastThrowable() == null ? "" : event.getLastThrowable().getMessage());
        });
        endpoint.breaker.getEventPublisher().onStateTransition(event ->
                log.warn("RPC endpoint {}: circuit {}", rpc.endpointName(), event.getStateTransition()));
        Gauge.builder(MetricNames.RPC_CIRCUIT_STATE, endpoint.breaker, b -> switch (b.getState()) {
            case CLOSED -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        }).tag("endpoint", rpc.endpointName()).register(registry);
        Gauge.builder(MetricNames.RPC_ENDPOINT_LAG, endpoint.lag, AtomicLong::get).tag("endpoint", rpc.endpointName()).register(registry);
        return endpoint;
    }

    @Override
    protected <T> T invoke(String rpcMethod, Function<EthRpc, T> call) {
        RuntimeException last = null;
        Endpoint failed = null;
        for (Endpoint endpoint : readableEndpoints()) {
            if (!endpoint.breaker.tryAcquirePermission()) {
                last = CallNotPermittedException.createCallNotPermittedException(endpoint.breaker);
                continue; // open breaker: skipped quietly, its state is on the dashboard
            }
            endpoint.breaker.releasePermission();
            if (failed != null) {
                Counter.builder(MetricNames.RPC_FAILOVERS).tag("from", failed.name()).tag("method", rpcMethod).register(registry).increment();
                log.warn("{} failed on {}; trying {}: {}", rpcMethod, failed.name(), endpoint.name(), last.getMessage());
            }
            Supplier<T> attempt = () -> call.apply(endpoint.rpc);
            Supplier<T> guarded = Retry.decorateSupplier(endpoint.retry,
                    CircuitBreaker.decorateSupplier(endpoint.breaker, RateLimiter.decorateSupplier(endpoint.limiter, attempt)));
            try {
                T result = guarded.get();
                if (result instanceof Long number && rpcMethod.equals("eth_blockNumber")) {
                    observeHead(endpoint, number);
                }
                return result;
            } catch (CallNotPermittedException | RequestNotPermitted unavailable) {
                last = unavailable;
                failed = endpoint;
            } catch (RuntimeException e) {
                if (!RpcErrors.classify(e).retryable()) {
                    throw e;
                }
                last = e;
                failed = endpoint;
            }
        }
        throw new RpcException(rpcMethod, RpcException.TRANSPORT, "no RPC endpoint answered ("
                + endpoints.stream().map(Endpoint::name).toList() + "); last error: " + (last == null ? "none" : last.getMessage()), null, last);
    }

    /** In preference order, without endpoints that lag the best head too far (all of them if that leaves none). */
    private List<Endpoint> readableEndpoints() {
        long best = endpoints.stream().mapToLong(e -> e.head.get()).max().orElse(-1);
        List<Endpoint> fresh = endpoints.stream()
                .filter(e -> e.head.get() < 0 || best - e.head.get() <= policy.maxHeadLagBlocks())
                .toList();
        return fresh.isEmpty() ? endpoints : fresh;
    }

    private void observeHead(Endpoint endpoint, long head) {
        endpoint.head.accumulateAndGet(head, Math::max);
        long best = endpoints.stream().mapToLong(e -> e.head.get()).max().orElse(head);
        endpoints.forEach(e -> e.lag.set(e.head.get() < 0 ? 0 : best - e.head.get()));
    }

    /**
     * Asks every endpoint for its head (one request each), so lagging endpoints are noticed even when
     * reads only ever reach the first one. The head tracker calls this every few blocks.
     */
    public void refreshHeads() {
        for (Endpoint endpoint : endpoints) {
            try {
                long head = CircuitBreaker.decorateSupplier(endpoint.breaker, endpoint.rpc::blockNumber).get();
                endpoint.head.set(head);
                observeHead(endpoint, head);
            } catch (RuntimeException unreachable) {
                log.debug("head of {} unknown: {}", endpoint.name(), unreachable.getMessage());
            }
        }
    }

    /** Names of the endpoints reads may use now, in order: for health checks and tests. */
    public List<String> healthyEndpoints() {
        return readableEndpoints().stream().filter(e -> e.breaker.getState() != CircuitBreaker.State.OPEN).map(Endpoint::name).toList();
    }

    @Override
    public String endpointName() {
        return endpoints.get(0).name() + (endpoints.size() > 1 ? " (+" + (endpoints.size() - 1) + ")" : "");
    }

    @Override
    public void close() {
        endpoints.forEach(e -> e.rpc.close());
    }
}
