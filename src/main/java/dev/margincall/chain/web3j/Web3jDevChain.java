package dev.margincall.chain.web3j;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthGetTransactionCount;
import org.web3j.protocol.core.methods.response.EthSendTransaction;

/** {@link DevChain} for Anvil: its {@code anvil_*}/{@code evm_*} methods over the same HTTP client. */
public class Web3jDevChain extends Web3jEthRpc implements DevChain {

    /** Any JSON result: these methods answer with null, true or a small object we don't need. */
    public static class AnyResponse extends Response<Object> {
    }

    public Web3jDevChain(String url) {
        super(url);
    }

    @Override
    public String sendTransaction(CallRequest transaction) {
        return send(request("eth_sendTransaction", List.of(json(transaction)), EthSendTransaction.class)).getTransactionHash();
    }

    @Override
    public List<String> sendTransactions(List<CallRequest> transactions) {
        var requests = transactions.stream()
                .map(tx -> request("eth_sendTransaction", List.of(json(tx)), EthSendTransaction.class))
                .toList();
        return sendBatch(requests).stream().map(EthSendTransaction::getTransactionHash).toList();
    }

    @Override
    public void setAutomine(boolean enabled) {
        invoke("evm_setAutomine", enabled);
    }

    @Override
    public void setIntervalMining(long seconds) {
        invoke("evm_setIntervalMining", seconds);
    }

    @Override
    public void setNextBlockBaseFee(java.math.BigInteger wei) {
        invoke("anvil_setNextBlockBaseFeePerGas", dev.margincall.core.Hex.quantity(wei));
    }

    @Override
    public void mine() {
        invoke("evm_mine");
    }

    @Override
    public void mine(long blocks) {
        invoke("anvil_mine", Hex.quantity(blocks));
    }

    @Override
    public void setAutoImpersonate(boolean enabled) {
        invoke("anvil_autoImpersonateAccount", enabled);
    }

    @Override
    public void setBlockTimestampInterval(long seconds) {
        invoke("anvil_setBlockTimestampInterval", seconds);
    }

    @Override
    public void setNextBlockTimestamp(long timestamp) {
        invoke("evm_setNextBlockTimestamp", timestamp);
    }

    @Override
    public void setBalance(Address account, BigInteger wei) {
        invoke("anvil_setBalance", account.hex(), Hex.quantity(wei));
    }

    @Override
    public void setBalances(List<Address> accounts, BigInteger wei) {
        sendBatch(accounts.stream().map(a -> request("anvil_setBalance", List.of(a.hex(), Hex.quantity(wei)), AnyResponse.class)).toList());
    }

    @Override
    public List<Long> transactionCounts(List<Address> accounts, BlockTag tag) {
        var requests = accounts.stream()
                .map(a -> request("eth_getTransactionCount", List.of(a.hex(), tag.value()), EthGetTransactionCount.class))
                .toList();
        return sendBatch(requests).stream().map(r -> r.getTransactionCount().longValueExact()).toList();
    }

    @Override
    public void setCode(Address account, String runtimeCode) {
        invoke("anvil_setCode", account.hex(), runtimeCode);
    }

    @Override
    public void setStorageAt(Address account, BigInteger slot, String word32) {
        invoke("anvil_setStorageAt", account.hex(), Hex.word(slot), word32);
    }

    @Override
    public long pendingTransactionCount() {
        Object status = invoke("txpool_status");
        if (!(status instanceof Map<?, ?> map)) {
            throw new IllegalStateException("txpool_status answered " + status);
        }
        return Hex.toLong(String.valueOf(map.get("pending"))) + Hex.toLong(String.valueOf(map.get("queued")));
    }

    @Override
    public void reorg(int depth) {
        invoke("anvil_reorg", depth, List.of());
    }

    @Override
    public String snapshot() {
        return String.valueOf(invoke("evm_snapshot"));
    }

    /**
     * Also empties the pool first: a transaction still pending at the revert would stay pooled at a nonce the reverted
     * account does not reach (seen: the next keeper's head sync then asked Anvil for a block it could not return).
     */
    @Override
    public boolean revert(String snapshotId) {
        invoke("anvil_dropAllTransactions");
        return Boolean.TRUE.equals(invoke("evm_revert", snapshotId));
    }

    private Object invoke(String method, Object... params) {
        return send(request(method, List.of(params), AnyResponse.class)).getResult();
    }
}
