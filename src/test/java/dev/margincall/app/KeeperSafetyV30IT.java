package dev.margincall.app;

import dev.margincall.devnet.WithDevnet;

/**
 * The keeper's safety cases on Aave V3.0.2: 3.0 stays proven end to end, including its overdue case on the dust
 * that partial liquidations leave (3.3+ allows none).
 */
@WithDevnet(borrowers = 120, seed = 1212, aave = "3.0")
class KeeperSafetyV30IT extends KeeperSafetyCases {
}
