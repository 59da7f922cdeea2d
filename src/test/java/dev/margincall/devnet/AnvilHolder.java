package dev.margincall.devnet;

/** Test helper run in a child JVM: starts Anvil, prints its pids, and waits to be killed. */
public final class AnvilHolder {

    private AnvilHolder() {
    }

    public static void main(String[] args) throws InterruptedException {
        AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet());
        System.out.println("anvil-port " + anvil.port());
        ProcessHandle.current().descendants().forEach(p -> System.out.println("descendant " + p.pid()));
        System.out.flush();
        Thread.sleep(120_000);
    }
}
