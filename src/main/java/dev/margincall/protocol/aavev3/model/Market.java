package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Aave V3 market at one block: its reserves by id ({@code Pool.getReservesList} order; a dropped reserve
 * leaves a gap), its eMode categories, the rules of its Pool version, and whether a price oracle sentinel
 * currently refuses liquidations of accounts at or above HF 0.95.
 *
 * @param sentinelBlocksLiquidations the PoolAddressesProvider has a sentinel and its {@code isLiquidationAllowed()}
 *                                   is false: ValidationLogic.validateLiquidationCall then admits only HF &lt; 0.95
 *                                   (ValidationLogic.sol:323-328 in aave-v3-origin 3.6; the same rule in 3.0.2)
 */
public record Market(List<Reserve> reservesById, Map<Integer, EModeCategory> eModeCategories, AaveRules rules,
                     boolean sentinelBlocksLiquidations) {

    public Market {
        reservesById = Collections.unmodifiableList(new ArrayList<>(reservesById));
        eModeCategories = Map.copyOf(eModeCategories);
    }

    /** A 3.0 market without a blocking sentinel. */
    public Market(List<Reserve> reservesById, Map<Integer, EModeCategory> eModeCategories) {
        this(reservesById, eModeCategories, AaveRules.V3_0, false);
    }

    public Market withReserves(List<Reserve> reserves, boolean sentinelBlocks) {
        return new Market(reserves, eModeCategories, rules, sentinelBlocks);
    }

    public Optional<Reserve> reserve(int id) {
        return id < reservesById.size() ? Optional.ofNullable(reservesById.get(id)) : Optional.empty();
    }

    public Optional<Reserve> reserve(Address asset) {
        return reservesById.stream().filter(r -> r != null && r.asset().equals(asset)).findFirst();
    }

    public int reservesCount() {
        return reservesById.size();
    }
}
