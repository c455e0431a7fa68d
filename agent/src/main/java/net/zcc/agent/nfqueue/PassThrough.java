package net.zcc.agent.nfqueue;

/** Accepts every packet unchanged: the queue path without any policy, for tests and measurements. */
public final class PassThrough implements PacketProcessor {
    public static final PassThrough INSTANCE = new PassThrough();

    private PassThrough() {
    }

    @Override
    public void process(QueuedPacket packet) {
        packet.accept();
    }
}
