namespace NetFoundations.Core.Mail
{
    /// <summary>An attachment of a message: its name, type and decoded size.</summary>
    public sealed class MailAttachmentInfo
    {
        public MailAttachmentInfo(string partNumber, string? fileName, string contentType, long decodedSize, string? contentId, bool isInline)
        {
            PartNumber = partNumber;
            FileName = fileName;
            ContentType = contentType;
            DecodedSize = decodedSize;
            ContentId = contentId;
            IsInline = isInline;
        }

        public string PartNumber { get; }
        public string? FileName { get; }
        public string ContentType { get; }
        /// <summary>Size in bytes once decoded: the size of the file Save-MailAttachment writes.</summary>
        public long DecodedSize { get; }
        public string? ContentId { get; }
        public bool IsInline { get; }
    }

    /// <summary>One node of a message's MIME tree, numbered as IMAP numbers body parts (1, 1.2 …; the multipart root has none).</summary>
    public sealed class MailPart
    {
        public MailPart(string partNumber, int depth, string contentType, string? disposition, string? fileName, string? transferEncoding, long encodedSize,
            string? contentId)
        {
            PartNumber = partNumber;
            Depth = depth;
            ContentType = contentType;
            Disposition = disposition;
            FileName = fileName;
            TransferEncoding = transferEncoding;
            EncodedSize = encodedSize;
            ContentId = contentId;
        }

        public string PartNumber { get; }
        public int Depth { get; }
        public string ContentType { get; }
        public string? Disposition { get; }
        public string? FileName { get; }
        public string? TransferEncoding { get; }
        /// <summary>Size of the part's content in bytes as the message carries it, before decoding (0 for a multipart container).</summary>
        public long EncodedSize { get; }
        /// <summary>The Content-ID an HTML part refers to as cid:ContentId (inline images), or null.</summary>
        public string? ContentId { get; }
    }
}
