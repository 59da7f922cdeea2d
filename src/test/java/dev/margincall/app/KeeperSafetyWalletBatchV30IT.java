package dev.margincall.app;

import dev.margincall.devnet.WithDevnet;

/**
 * The wallet-batch safety cases on Aave V3.0.2: a market deployed from the other artifacts (`@aave/core-v3`), with its own
 * rules (close factor, dust, no deficits), and our contract batching the wallet's liquidations against it.
 */
@WithDevnet(borrowers = 120, seed = 1212, aave = "3.0")
class KeeperSafetyWalletBatchV30IT extends KeeperSafetyWalletBatchIT {
}
