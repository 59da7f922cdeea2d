package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.devnet.WithDevnet;

/**
 * The keeper's safety cases on Aave 3.6 with {@code execution.simulateBeforeSend: false}: each transaction goes on the
 * wire as soon as it is made and the block's transactions are simulated after, against our own pending ones (the
 * bench's fast path). The same chains as the default: automine, 250 ms blocks, a faulty endpoint, dry-run beside run,
 * overdue positions, a competitor that wins; nothing may revert and no nonce may stick. The overdue case runs a dry-run
 * keeper, which never sends: it repeats the default suite's case.
 */
@WithDevnet(borrowers = 120, seed = 1212)
class KeeperSafetySendFirstIT extends KeeperSafetyCases {

    @Override
    KeeperConfig.Execution execution(KeeperConfig.Execution configured) {
        return configured.withSimulateBeforeSend(false);
    }

    /**
     * The keeper really sent first to the end of the case (it falls back to simulating first on a node without eth_simulateV1),
     * and the heads after the crash's first came in its hot spell: some had their block state read beside their logs, and used.
     */
    @Override
    void checkAfterCase(KeeperRuntime runtime) {
        if (!runtime.dryRun()) {
            org.assertj.core.api.Assertions.assertThat(runtime.sendsFirst()).as("the keeper sends first").isTrue();
            org.assertj.core.api.Assertions.assertThat(registryOf(runtime).get(dev.margincall.observability.MetricNames.HEAD_PREFETCHES)
                    .tag("outcome", "used").counter().count()).as("heads whose prefetched block state was used").isPositive();
        }
    }
}
