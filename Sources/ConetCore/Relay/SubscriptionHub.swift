/// Live push: sessions that subscribed to a mailbox get each new deposit's entry while connected.
actor SubscriptionHub {
    private var subscribers: [Address: [Int: AsyncStream<MailboxEntry>.Continuation]] = [:]
    private var nextID = 0

    /// Subscribes; the stream ends when `unsubscribe` is called with the returned id.
    func subscribe(_ mailbox: Address) -> (Int, AsyncStream<MailboxEntry>) {
        nextID += 1
        let id = nextID
        // A subscriber that cannot keep up loses old notifications, never the messages themselves.
        let (stream, continuation) = AsyncStream<MailboxEntry>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        subscribers[mailbox, default: [:]][id] = continuation
        return (id, stream)
    }

    func unsubscribe(_ mailbox: Address, id: Int) {
        subscribers[mailbox]?[id]?.finish()
        subscribers[mailbox]?[id] = nil
        if subscribers[mailbox]?.isEmpty == true { subscribers[mailbox] = nil }
    }

    func publish(_ entry: MailboxEntry, to mailbox: Address) {
        for continuation in subscribers[mailbox, default: [:]].values { continuation.yield(entry) }
    }
}
