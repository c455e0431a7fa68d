package net.zcc.keyserver.api;

import java.util.function.Function;
import net.zcc.contract.rpc.RpcMethods;
import net.zcc.keyserver.rpc.CallerRequestConfig;
import net.zcc.keyserver.rpc.MethodPolicy;
import net.zcc.keyserver.rpc.RpcHandlers;
import org.apache.xmlrpc.XmlRpcRequest;
import org.apache.xmlrpc.server.PropertyHandlerMapping;
import org.apache.xmlrpc.server.RequestProcessorFactoryFactory;

/** Registers {@code Enroll}, {@code Keys}, {@code Admin} and {@code Backup}, one handler object per call, over one context. */
public final class ApiHandlers {

    /** Only enrollment is anonymous. */
    public static final MethodPolicy POLICY = MethodPolicy.anonymous(RpcMethods.ENROLL_REQUEST,
            RpcMethods.ENROLL_CERTIFICATE);

    private ApiHandlers() { }

    /** The registrations for {@link net.zcc.keyserver.rpc.RpcServer}, without backups. */
    public static RpcHandlers of(ApiContext ctx) {
        return of(ctx, () -> {
            throw new java.io.IOException("this key server takes no backups");
        });
    }

    /** The registrations, with {@code Backup.create} running {@code backup}. */
    public static RpcHandlers of(ApiContext ctx, Backup.Action backup) {
        return mapping -> {
            add(mapping, RpcMethods.ENROLL, Enroll.class, r -> new Enroll(ctx, new Enroll.Caller(
                    CallerRequestConfig.sourceOf(r), CallerRequestConfig.callerOf(r),
                    CallerRequestConfig.certificateOf(r))));
            add(mapping, RpcMethods.KEYS, Keys.class, r -> new Keys(ctx));
            add(mapping, RpcMethods.ADMIN, Admin.class, r -> new Admin(ctx, CallerRequestConfig.callerOf(r)));
            add(mapping, RpcMethods.BACKUP, Backup.class, r -> new Backup(ctx, backup, CallerRequestConfig.callerOf(r)));
        };
    }

    /** The mapping asks the factory factory once, at registration: swap it in for this class only. */
    private static void add(PropertyHandlerMapping mapping, String name, Class<?> type,
            Function<XmlRpcRequest, Object> perCall) throws org.apache.xmlrpc.XmlRpcException {
        RequestProcessorFactoryFactory previous = mapping.getRequestProcessorFactoryFactory();
        mapping.setRequestProcessorFactoryFactory(cls -> perCall::apply);
        try {
            mapping.addHandler(name, type);
        } finally {
            mapping.setRequestProcessorFactoryFactory(previous);
        }
    }
}
