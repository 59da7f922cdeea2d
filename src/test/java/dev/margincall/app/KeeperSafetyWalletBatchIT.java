package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.core.Address;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.WithDevnet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;

/**
 * The keeper's safety cases with wallet funding batched through our contract: each signer owns a FlashLiquidator and
 * configures it as its {@code liquidatorContract}, so a block's liquidations of a debt asset ride in
 * {@code liquidateBatch} transactions that pull the wallet's tokens and hand the collateral back. The same chains as
 * the default suite (automine, 250 ms blocks, a faulty endpoint, dry-run beside run, overdue positions, a competitor
 * that wins); the chain's account of the keeper counts the Pool's events naming the signer or its contract, and a
 * transaction that mined with no liquidation and was not a cancellation counts as reverted.
 */
@WithDevnet(borrowers = 120, seed = 1212)
class KeeperSafetyWalletBatchIT extends KeeperSafetyCases {

    /** Each signer's own contract (a FlashLiquidator is owner-only), deployed once for the class, before any case's snapshot. */
    private static Map<String, Address> contracts;

    @BeforeAll
    static void deployContracts(Devnet devnet) {
        contracts = Map.of(
                KeeperIT.KEEPER_KEY, KeeperIT.deployLiquidator(devnet, KeeperIT.KEEPER),
                DRY_RUN_KEY, KeeperIT.deployLiquidator(devnet, DRY_RUN_SIGNER),
                OVERRIDE_KEY, KeeperIT.deployLiquidator(devnet, OVERRIDE_SIGNER));
    }

    @Override
    KeeperConfig.Execution execution(KeeperConfig.Execution configured, String key) {
        return configured.withLiquidatorContract(Optional.of(contracts.get(key)));
    }

    @Override
    boolean batches() {
        return true;
    }

    @Override
    Set<Address> ours() {
        return Set.of(KeeperIT.KEEPER, contracts.get(KeeperIT.KEEPER_KEY));
    }

    /** The keeper that sent really batched: some transaction carried several of its liquidations. */
    @Override
    void checkAfterCase(KeeperRuntime runtime) {
        if (!runtime.dryRun()) {
            java.util.List<dev.margincall.observability.Outcome> mined = runtime.events().outcomes().stream()
                    .filter(o -> o.status().equals("mined")).toList();
            org.assertj.core.api.Assertions.assertThat(mined.stream().map(dev.margincall.observability.Outcome::hash).distinct().count())
                    .as("transactions of the %d liquidations mined: batches", mined.size()).isLessThan(mined.size());
        }
    }
}
