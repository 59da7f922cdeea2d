package dev.margincall.protocol.aavev3;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code getUserAccountData} for many accounts at one block, batched through Multicall3. */
public final class AccountDataReader {

    static final String GET_USER_ACCOUNT_DATA = "getUserAccountData(address)";

    private final Multicall3 multicall;
    private final Address pool;

    public AccountDataReader(EthRpc rpc, Address multicall3, Address pool) {
        this.multicall = new Multicall3(rpc, multicall3);
        this.pool = pool;
    }

    public List<UserAccountData> read(List<Address> accounts, BlockTag tag) {
        List<Multicall3.Call> calls = accounts.stream().map(a -> call(pool, a)).toList();
        List<String> results = multicall.aggregate3AllSucceeding(calls, tag, i -> "getUserAccountData(" + accounts.get(i) + ")");
        List<UserAccountData> out = new ArrayList<>(accounts.size());
        for (int i = 0; i < accounts.size(); i++) {
            out.add(decode(accounts.get(i), results.get(i)));
        }
        return out;
    }

    static Multicall3.Call call(Address pool, Address account) {
        return new Multicall3.Call(pool, Abi.call(GET_USER_ACCOUNT_DATA, Abi.address(account)));
    }

    static UserAccountData decode(Address account, String data) {
        return new UserAccountData(account, Words.uint(data, 0), Words.uint(data, 1), Words.uint(data, 2),
                Words.uint(data, 3), Words.uint(data, 4), Words.uint(data, 5));
    }
}
