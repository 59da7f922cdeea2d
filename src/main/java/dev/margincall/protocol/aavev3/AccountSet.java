package dev.margincall.protocol.aavev3;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.margincall.chain.ChainJson;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.logs.LogSink;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every account that ever touched the market, from its events. A reorg does not remove an account:
 * its position is read from the chain anyway, and an account with nothing reads as empty.
 * {@link #touched()} collects the accounts changed since the last {@link #drainTouched()}.
 */
public final class AccountSet implements LogSink {

    private final Address pool;
    private final Set<Address> accounts = new LinkedHashSet<>();
    private final Set<Address> touched = new LinkedHashSet<>();

    public AccountSet(Address pool) {
        this.pool = pool;
    }

    @Override
    public void onLogs(BlockRef upTo, List<LogEntry> logs) {
        for (LogEntry log : logs) {
            for (Address account : AaveV3Events.accountsIn(log, pool)) {
                accounts.add(account);
                touched.add(account);
            }
        }
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<LogEntry> retracted) {
        for (LogEntry log : retracted) {
            touched.addAll(AaveV3Events.accountsIn(log, pool)); // re-read: their position went back
        }
    }

    public List<Address> all() {
        return List.copyOf(accounts);
    }

    public Set<Address> touched() {
        return Set.copyOf(touched);
    }

    public List<Address> drainTouched() {
        List<Address> out = List.copyOf(touched);
        touched.clear();
        return out;
    }

    @Override
    public String snapshot() {
        try {
            // lower-case hex: an EIP-55 checksum costs a keccak per account, on every checkpoint
            return ChainJson.MAPPER.writeValueAsString(accounts.stream().map(Address::hex).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void restore(String snapshot) {
        try {
            accounts.clear();
            accounts.addAll(ChainJson.MAPPER.readValue(snapshot, new TypeReference<List<Address>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
