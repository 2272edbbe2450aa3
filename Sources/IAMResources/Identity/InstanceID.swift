/// marmotedu/iam's `instanceID`: prefix + reversed hashids of the row id (alphabet a–z0–9, salt `x20k5x`,
/// minimum length 6). User 1 is `user-v3z4nq`.
public enum InstanceID {
    /// The instance ID of row `id` of a table whose resources carry `prefix` (`user-`, `secret-`, `policy-`).
    public static func make(prefix: String, id: UInt64) -> String {
        prefix + String(Hashids.standard.encode(id).reversed())
    }
}

/// The hashids algorithm (v1, as speps/go-hashids and the Python `hashids` package), for one number.
struct Hashids: Sendable {
    static let standard = Hashids(salt: "x20k5x", minimumLength: 6, alphabet: "abcdefghijklmnopqrstuvwxyz1234567890")

    private let salt: [UInt8]
    private let minimumLength: Int
    private let alphabet: [UInt8]
    private let separators: [UInt8]
    private let guards: [UInt8]

    init(salt: String, minimumLength: Int, alphabet: String) {
        self.salt = Array(salt.utf8)
        self.minimumLength = minimumLength
        var unique: [UInt8] = []
        for byte in alphabet.utf8 where !unique.contains(byte) { unique.append(byte) }
        var separators = Array("cfhistuCFHISTU".utf8).filter { unique.contains($0) }
        var letters = unique.filter { !separators.contains($0) }
        separators = Self.shuffle(separators, salt: self.salt)
        let wanted = Self.ceilingRatio(letters.count, 3.5)
        if separators.isEmpty || wanted > separators.count {
            let missing = max(wanted, 2) - separators.count
            separators += letters.prefix(missing)
            letters.removeFirst(missing)
        }
        letters = Self.shuffle(letters, salt: self.salt)
        let guardCount = Self.ceilingRatio(letters.count, 12)
        if letters.count < 3 {
            guards = Array(separators.prefix(guardCount))
            separators.removeFirst(guardCount)
        } else {
            guards = Array(letters.prefix(guardCount))
            letters.removeFirst(guardCount)
        }
        self.separators = separators
        self.alphabet = letters
    }

    private static func ceilingRatio(_ dividend: Int, _ divisor: Double) -> Int {
        Int((Double(dividend) / divisor).rounded(.up))
    }

    /// hashids' "consistent shuffle".
    static func shuffle(_ input: [UInt8], salt: [UInt8]) -> [UInt8] {
        guard !salt.isEmpty, input.count > 1 else { return input }
        var result = input
        var index = 0
        var sum = 0
        for i in stride(from: result.count - 1, to: 0, by: -1) {
            let value = Int(salt[index])
            sum += value
            let j = (value + index + sum) % i
            result.swapAt(i, j)
            index = (index + 1) % salt.count
        }
        return result
    }

    private static func hash(_ number: UInt64, _ alphabet: [UInt8]) -> [UInt8] {
        var number = number
        var digits: [UInt8] = []
        repeat {
            digits.append(alphabet[Int(number % UInt64(alphabet.count))])
            number /= UInt64(alphabet.count)
        } while number > 0
        return digits.reversed()
    }

    func encode(_ number: UInt64) -> String {
        var alphabet = self.alphabet
        let valuesHash = Int(number % 100)
        let lottery = alphabet[valuesHash % alphabet.count]
        let alphabetSalt = Array(([lottery] + salt + alphabet).prefix(alphabet.count))
        alphabet = Self.shuffle(alphabet, salt: alphabetSalt)
        var encoded = [lottery] + Self.hash(number, alphabet)
        if encoded.count < minimumLength {
            encoded.insert(guards[(valuesHash + Int(encoded[0])) % guards.count], at: 0)
            if encoded.count < minimumLength {
                encoded.append(guards[(valuesHash + Int(encoded[2])) % guards.count])
            }
            let half = alphabet.count / 2
            while encoded.count < minimumLength {
                alphabet = Self.shuffle(alphabet, salt: alphabet)
                encoded = Array(alphabet[half...]) + encoded + Array(alphabet[..<half])
                let excess = encoded.count - minimumLength
                if excess > 0 {
                    let start = excess / 2
                    encoded = Array(encoded[start..<start + minimumLength])
                }
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }
}
