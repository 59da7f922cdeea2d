package dev.margincall.chain;

/**
 * The node's answer to one transaction of {@link EthRpc#sendRawTransactions}: its hash, or the error the node gave for
 * it alone (the others of the batch have answers of their own).
 */
public record SendAnswer(String hash, RpcException error) {

    public static SendAnswer sent(String hash) {
        return new SendAnswer(hash, null);
    }

    public static SendAnswer refused(RpcException error) {
        return new SendAnswer(null, error);
    }
}
