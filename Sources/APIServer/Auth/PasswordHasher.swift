import HummingbirdBcrypt
import IAMResources
import NIOPosix

/// bcrypt on NIO's blocking thread pool: a hash at cost 10 takes ~60 ms, far too long for an event loop.
struct PasswordHasher: Sendable {
    let cost: Int
    /// A hash of a random password at the same cost: checked when the user does not exist, so that an unknown
    /// name costs as long as a wrong password and response times do not reveal which names exist.
    let decoy: String

    init(cost: Int) {
        self.cost = cost
        decoy = Bcrypt.hash(RandomToken.make(length: 16), cost: UInt8(cost))
    }

    func hash(_ password: String) async throws -> String {
        let cost = UInt8(cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
