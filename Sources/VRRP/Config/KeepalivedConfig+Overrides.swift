extension KeepalivedConfig {
    /// The same configuration with interface names and addresses replaced — how one file serves every
    /// node of a lab without editing it (`iam vrrp --interface eth0=veth-h1 --address 10.0.4.20=192.0.2.20`).
    public func overriding(interfaces: [String: String], addresses: [VRRPAddress: VRRPAddress]) -> KeepalivedConfig {
        func address(_ value: VRRPAddress) -> VRRPAddress { addresses[value] ?? value }
        func interface(_ name: String) -> String { interfaces[name] ?? name }
        var copy = self
        for index in copy.instances.indices {
            var instance = copy.instances[index]
            instance.interface = interface(instance.interface)
            instance.unicastSource = instance.unicastSource.map(address)
            instance.unicastPeers = instance.unicastPeers.map(address)
            for list in [\InstanceConfig.virtualAddresses, \InstanceConfig.excludedAddresses] {
                instance[keyPath: list] = instance[keyPath: list].map { virtual in
                    var changed = virtual
                    changed.address = address(virtual.address)
                    changed.device = virtual.device.map(interface)
                    return changed
                }
            }
            instance.trackInterfaces = instance.trackInterfaces.map { tracked in
                var changed = tracked
                changed.name = interface(tracked.name)
                return changed
            }
            copy.instances[index] = instance
        }
        return copy
    }
}
