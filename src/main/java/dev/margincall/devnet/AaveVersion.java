package dev.margincall.devnet;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which Aave V3 the devnet deploys. 3.6 is the default: it is what users liquidate on today, and the
 * keeper models its rules exactly; 3.0 stays available ({@code devnet --aave 3.0}) and tested.
 */
public enum AaveVersion {

    /** Aave V3.0.2 ({@code POOL_REVISION} 1) from the Hardhat artifacts of {@code @aave/core-v3@1.19.3}. */
    V3_0("3.0"),
    /**
     * Aave V3.6 ({@code POOL_REVISION} 10), compiled by the build from the sources of
     * {@code @aave-dao/aave-v3-origin@3.6.0} ({@code contracts/build-aave36.js}): no stable debt, one
     * rate strategy per Pool, eMode categories as collateral and borrowable bitmaps.
     */
    V3_6("3.6");

    public static final AaveVersion DEFAULT = V3_6;

    private final String label;

    AaveVersion(String label) {
        this.label = label;
    }

    /** "3.0" or "3.6", as the command line and {@code @WithDevnet} spell it. */
    public String label() {
        return label;
    }

    public static AaveVersion parse(String label) {
        return Arrays.stream(values()).filter(v -> v.label.equals(label.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the devnet deploys Aave " + Arrays.stream(values()).map(AaveVersion::label)
                        .collect(Collectors.joining(" or ")) + ", not " + label));
    }

    @Override
    public String toString() {
        return label;
    }
}
