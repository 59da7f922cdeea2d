package dev.margincall.protocol.aavev3;

import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.aavev3.model.AaveRules;

/** The differential cases on Aave 3.6 (aave-v3-origin 3.6.0 compiled from its sources). */
@WithDevnet(borrowers = 1_000, seed = 11, aave = "3.6")
class AaveV36DifferentialIT extends AaveDifferentialCases {

    @Override
    AaveRules expectedRules() {
        return AaveRules.V3_6;
    }
}
