package dev.margincall.observability;

/**
 * Every metric name in one place (Micrometer dotted names; Prometheus shows them with underscores and
 * unit suffixes). Labels are bounded: endpoints and methods, never accounts.
 */
public final class MetricNames {

    /** Timer per JSON-RPC round trip; tags endpoint, method, outcome (ok or an RpcErrorKind). */
    public static final String RPC_REQUESTS = "margincall.rpc.requests";
    /** JSON-RPC calls (a batch of n counts n), by endpoint and method: what providers bill. */
    public static final String RPC_CALLS = "margincall.rpc.calls";
    /** Counter of retried attempts; tag endpoint. */
    public static final String RPC_RETRIES = "margincall.rpc.retries";
    /** Counter of calls that moved on to the next endpoint; tags from (endpoint), method. */
    public static final String RPC_FAILOVERS = "margincall.rpc.failovers";
    /** Gauge: 0 closed, 1 open, 2 half-open; tag endpoint. */
    public static final String RPC_CIRCUIT_STATE = "margincall.rpc.circuit.state";
    /** Gauge: blocks the endpoint's head is behind the best endpoint's; tag endpoint. */
    public static final String RPC_ENDPOINT_LAG = "margincall.rpc.endpoint.lag.blocks";

    /** Gauge: number of the latest block the head tracker accepted. */
    public static final String HEAD_BLOCK = "margincall.head.block";
    /** Gauge: seconds between now and the head block's timestamp. */
    public static final String HEAD_LAG_SECONDS = "margincall.head.lag.seconds";
    /** Counter of blocks delivered by the head tracker. */
    public static final String BLOCKS_PROCESSED = "margincall.blocks.processed";
    /** Counter of reorgs; distribution summary of their depth. */
    public static final String REORGS = "margincall.reorgs";
    public static final String REORG_DEPTH = "margincall.reorg.depth";
    /** Counter of WebSocket (re)connections of the head subscription; tag outcome. */
    public static final String WS_CONNECTIONS = "margincall.ws.connections";

    /** Gauges of the log backfill: the block it has reached and the block it is going to. */
    public static final String BACKFILL_BLOCK = "margincall.backfill.block";
    public static final String BACKFILL_TARGET = "margincall.backfill.target";
    /**
     * Catch-ups of more than one block (the start's backfill, or after a stall): a timer of their duration and
     * counters of the blocks and logs they delivered, so blocks/s and logs/s are measured where they happen.
     */
    public static final String BACKFILL_DURATION = "margincall.backfill.duration";
    public static final String BACKFILL_BLOCKS = "margincall.backfill.blocks";
    public static final String BACKFILL_LOGS = "margincall.backfill.logs";
    /** Counter of logs delivered; counter of log range splits after "too many results". */
    public static final String LOGS_DELIVERED = "margincall.logs.delivered";
    public static final String LOG_RANGE_SPLITS = "margincall.logs.range.splits";

    /** Gauges per protocol: accounts with a position, and those with a health factor below 1. */
    public static final String ACCOUNTS_TRACKED = "margincall.accounts.tracked";
    public static final String ACCOUNTS_LIQUIDATABLE = "margincall.accounts.liquidatable";
    /**
     * Gauges per protocol and {@code le}: indebted accounts whose health factor is at most le (0.9 … 5, +Inf),
     * as of the last block; see {@link HealthFactorDistribution}.
     */
    public static final String ACCOUNTS_HEALTH_FACTOR = "margincall.accounts.health.factor";
    /** Timer: one block's update (reads + evaluation) per protocol. */
    public static final String BLOCK_UPDATE = "margincall.block.update";
    /** Counters of shadow verification: accounts compared with the protocol's own view, and disagreements. */
    public static final String SHADOW_CHECKS = "margincall.shadow.checks";
    public static final String SHADOW_MISMATCHES = "margincall.shadow.mismatches";
    /**
     * Counter of block states read ahead of their head, beside its logs (a crash's hot spell, sending first), by {@code outcome}:
     * {@code used}, {@code unused} (the chain moved on first) or {@code failed} (the head was read again).
     */
    public static final String HEAD_PREFETCHES = "margincall.head.prefetches";
    /** Oracle prices that moved, by {@code trigger}: {@code event} (an oracle or feed event said so) or {@code silent} (only the per-block read saw it). */
    public static final String PRICE_CHANGES = "margincall.price.changes";

    /** Counter of the strategy's decisions; tags outcome (planned, rejected), reason (a RejectReason, or none). */
    public static final String PLANS = "margincall.plans";
    /** Every liquidation the watched markets' events report, by winner (us / other). */
    public static final String MARKET_LIQUIDATIONS = "margincall.market.liquidations";
    /** What those liquidations were worth to their liquidator (collateral − debt at the oracle, USD), by winner. */
    public static final String MARKET_LIQUIDATION_BONUS_USD = "margincall.market.liquidation.bonus.usd";
    /** The first liquidation of each opportunity the keeper saw, by winner: the capture rate is us / (us + other). */
    public static final String FIRST_LIQUIDATIONS = "margincall.first.liquidations";
    /** Blocks from the head that showed an opportunity to its first liquidation, by winner. */
    public static final String BLOCKS_TO_LIQUIDATION = "margincall.blocks.to.liquidation";
    /** The top liquidators other than us (at most {@code KeeperMetrics.TOP_COMPETITORS} series at a time, by rank): liquidations since the start. */
    public static final String COMPETITOR_LIQUIDATIONS = "margincall.competitor.liquidations";
    /** Positions liquidatable for more than metrics.overdueAfterBlocks that no liquidation of ours has touched. */
    public static final String LIQUIDATIONS_OVERDUE = "margincall.liquidations.overdue";
    /** The signer's native balance (gas money), in the native token. */
    public static final String SIGNER_BALANCE_NATIVE = "margincall.signer.balance.native";
    /** How many liquidations the signer's balance still pays gas for, at the current fees and the mean gas of ours. */
    public static final String SIGNER_LIQUIDATIONS_AFFORDABLE = "margincall.signer.liquidations.affordable";
    /** Blocks applied without a planning round of their own: the keeper was behind and decided once, at the newest head. */
    public static final String PLANNING_SKIPPED = "margincall.planning.skipped";
    /** Counter of transaction events; tag event (sent, replaced, cancelling, mined, reverted, cancelled, dropped, would_send). */
    public static final String TRANSACTIONS = "margincall.transactions";
    /** Timer: from the head block that showed the opportunity to eth_sendRawTransaction returning. */
    public static final String OPPORTUNITY_TO_BROADCAST = "margincall.opportunity.to.broadcast";
    /** Counter: profit of mined liquidations as planned, in USD (the oracle's base currency), after gas. */
    public static final String PROFIT_USD = "margincall.profit.usd";
    /** Counter: gas paid by mined keeper transactions (liquidations, reverts and cancellations), in the native token. */
    public static final String GAS_SPENT_NATIVE = "margincall.gas.spent.native";

    /** Gauge: 1 when /health says ready (backfill done, head fresh, an RPC endpoint healthy), else 0. */
    public static final String READY = "margincall.ready";
    /** Gauge: RPC endpoints reads may use now (circuit not open, head not lagging). */
    public static final String RPC_ENDPOINTS_HEALTHY = "margincall.rpc.endpoints.healthy";

    /**
     * Gauge: debt (USD) liquidatable after a price fall, from the keeper's latest risk report; tags protocol, market, asset (a
     * collateral's symbol, or "correlated" for every non-stable collateral together) and drop (percent: 5, 10, 20, 30).
     */
    public static final String CLIFF_DEBT_USD = "margincall.cliff.debt.usd";
    /** Gauge: accounts liquidatable after that fall; same tags. */
    public static final String CLIFF_ACCOUNTS = "margincall.cliff.accounts";
    /** Gauge: the block the latest risk report was computed at, by protocol and market. */
    public static final String REPORT_BLOCK = "margincall.report.block";

    private MetricNames() {
    }
}
