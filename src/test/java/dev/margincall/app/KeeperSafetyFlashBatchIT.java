package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.Outcome;
import dev.margincall.strategy.Funding;
import java.util.List;

/**
 * The keeper's safety cases with contract funding, the demo's default: each signer's FlashLiquidator borrows a block's
 * debt by flash loan, liquidates its positions in {@code liquidateBatch} transactions (one debt asset to a batch), sells
 * the collateral on the devnet's Uniswap V2 pools and keeps the profit. The same chains as the default suite (automine,
 * 250 ms blocks, a faulty endpoint, dry-run beside run, overdue positions, a competitor that wins): nothing may revert,
 * no nonce may stick. The contracts and the chain's account of the keeper are the wallet-batch suite's.
 */
@WithDevnet(borrowers = 120, seed = 1212)
class KeeperSafetyFlashBatchIT extends KeeperSafetyWalletBatchIT {

    @Override
    KeeperConfig.Execution execution(KeeperConfig.Execution configured, String key) {
        return super.execution(configured, key).withFunding(Funding.FLASH_LOAN);
    }

    /** As the wallet-batch suite's, and every liquidation mined was funded by a flash loan. */
    @Override
    void checkAfterCase(KeeperRuntime runtime) {
        super.checkAfterCase(runtime);
        if (!runtime.dryRun()) {
            List<Outcome> mined = runtime.events().outcomes().stream().filter(o -> o.status().equals("mined")).toList();
            assertThat(mined).as("liquidations mined").isNotEmpty().allSatisfy(o -> assertThat(o.plan().funding()).isEqualTo(Funding.FLASH_LOAN));
        }
    }
}
