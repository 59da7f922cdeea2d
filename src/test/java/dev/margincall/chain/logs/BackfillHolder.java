package dev.margincall.chain.logs;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.web3j.Web3jEthRpc;
import dev.margincall.core.Address;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;

/** Test helper run in a child JVM: a slow backfill that checkpoints as it goes, until it is killed. */
public final class BackfillHolder {

    private BackfillHolder() {
    }

    /** Args: rpc URL, checkpoint file, token addresses... */
    public static void main(String[] args) {
        RecordingSink sink = new RecordingSink();
        sink.pauseMillisPerDelivery = 20;
        List<Address> tokens = java.util.Arrays.stream(args).skip(2).map(Address::of).toList();
        try (Web3jEthRpc rpc = new Web3jEthRpc(args[0])) {
            LogStream stream = new LogStream(rpc, new LogQuery(tokens, List.of(EventHistory.TRANSFER)),
                    new FileCheckpointStore(Path.of(args[1])), sink, new LogStream.Settings(0, 5, 40, 40, 10_000), new SimpleMeterRegistry());
            stream.start();
            stream.advanceTo(rpc.block(BlockTag.LATEST));
        }
    }
}
