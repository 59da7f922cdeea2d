package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Aave V3 market: its reserves by id ({@code Pool.getReservesList} order; a dropped reserve leaves
 * a gap) and its eMode categories.
 */
public record Market(List<Reserve> reservesById, Map<Integer, EModeCategory> eModeCategories) {

    public Market {
        reservesById = Collections.unmodifiableList(new ArrayList<>(reservesById));
        eModeCategories = Map.copyOf(eModeCategories);
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
