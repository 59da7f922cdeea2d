package dev.margincall.protocol.aavev3;

import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.aavev3.model.AaveRules;

/** The differential cases on Aave V3.0.2 (core-v3 1.19.3 artifacts). */
@WithDevnet(borrowers = 1_000, seed = 11, aave = "3.0")
class AaveV30DifferentialIT extends AaveDifferentialCases {

    @Override
    AaveRules expectedRules() {
        return AaveRules.V3_0;
    }
}
