package dev.margincall.app;

import dev.margincall.devnet.WithDevnet;

/** The keeper's safety cases on Aave 3.6, the default devnet. */
@WithDevnet(borrowers = 120, seed = 1212)
class KeeperSafetyIT extends KeeperSafetyCases {
}
