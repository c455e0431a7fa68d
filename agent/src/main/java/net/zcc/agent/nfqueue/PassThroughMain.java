package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * Binds queues FIRST .. FIRST+COUNT-1 and accepts every packet until killed. Prints one line
 * starting with "READY" once every queue is bound, with each queue's receive mode; the
 * namespace test waits for it. {@code -Dzcc.nfqueue.recvmmsg=false} selects the recv loop.
 * Usage: {@code PassThroughMain FIRST COUNT}
 */
public final class PassThroughMain {
    private PassThroughMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: PassThroughMain FIRST_QUEUE COUNT");
            System.exit(2);
        }
        int first = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        QueueSet set = QueueSet.netlink(first, count, NetlinkPacketQueue.Config.defaults(), PassThrough.INSTANCE);
        set.start();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            set.stop();
            set.stats().forEach(System.out::println);
            done.countDown();
        }));
        System.out.println("READY queues " + first + ".." + (first + count - 1) + " receive " + set.receiveModes());
        System.out.flush();
        done.await();
    }
}
