package dev.margincall.devnet;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** A lending protocol the devnet can deploy, by the name the config's {@code type} and {@code devnet --protocols} use. */
public enum DevnetProtocol {
    AAVE_V3("aave-v3"),
    MORPHO_BLUE("morpho-blue");

    private final String id;

    DevnetProtocol(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /**
     * "aave-v3,morpho-blue" → both. The Aave market is always part of the list: Morpho's markets trade its tokens
     * and share its price feeds and Uniswap pools.
     */
    public static Set<DevnetProtocol> parseList(String list) {
        Set<DevnetProtocol> protocols = EnumSet.noneOf(DevnetProtocol.class);
        for (String name : list.split(",")) {
            String trimmed = name.trim();
            protocols.add(Arrays.stream(values()).filter(p -> p.id.equals(trimmed)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown protocol '" + trimmed + "': the devnet deploys "
                            + Arrays.stream(values()).map(DevnetProtocol::id).collect(Collectors.joining(", ")))));
        }
        if (!protocols.contains(AAVE_V3)) {
            throw new IllegalArgumentException("the devnet's protocols must include aave-v3 (Morpho's markets trade the Aave market's tokens "
                    + "and share its price feeds and pools), got '" + list + "'");
        }
        return protocols;
    }
}
