import Testing

@testable import NeuvoClinic

/// Photos lose their metadata and keep their pixels; broken or foreign files are refused.
@Suite struct ImageSanitizerTests {
    // MARK: JPEG

    @Test func jpegLosesMetadataAndKeepsImageData() throws {
        let image = try ImageSanitizer.sanitize(TestJPEG.camera)
        #expect(image.format == .jpeg)
        #expect(image.width == 16 && image.height == 8)
        #expect(TestJPEG.markers(image.bytes) == [0xD8, 0xE0, 0xE2, 0xEE, 0xDB, 0xC0, 0xC4, 0xC4, 0xDD, 0xDA, 0xD9])
        // Exactly the input without the metadata segments: everything kept is byte-identical.
        let expected: [UInt8] = TestJPEG.soi + TestJPEG.jfif + TestJPEG.icc + TestJPEG.adobe + TestJPEG.decodingSegments
            + TestJPEG.scan + TestJPEG.eoi
        #expect(image.bytes == expected)
        for leak in ["Exif", "GPS", "xmpmeta", "ns.adobe.com", "Photoshop", "8BIM", "Taken at home", "JFXX"] {
            #expect(!image.bytes.contains(ascii: leak), "\(leak) survived")
        }
        #expect(TestJPEG.camera.contains(ascii: "GPS"))  // …and was there to begin with.
    }

    /// Phones store portrait photos sideways and say so in EXIF; only that one tag is kept,
    /// in a new EXIF block, so the photo still shows upright.
    @Test func jpegOrientationAloneSurvives() throws {
        let onlyOrientationSix: [UInt8] = [0xFF, 0xE1, 0x00, 0x22] + ascii("Exif\0\0MM\0*") + [0, 0, 0, 8, 0, 1]
            + [0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0] + [0, 0, 0, 0]
        // Big-endian ("MM") and little-endian ("II") EXIF with GPS, camera and orientation tags.
        let bigEndian = TestJPEG.segment(0xE1, ascii("Exif\0\0MM\0*") + [0, 0, 0, 8, 0, 3]
            + [0x01, 0x0F, 0, 2, 0, 0, 0, 4] + ascii("GPS\0") + [0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]
            + [0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 50] + [0, 0, 0, 0] + ascii("GPS 60.17N"))
        let littleEndian = TestJPEG.segment(0xE1, ascii("Exif\0\0II*\0") + [8, 0, 0, 0, 2, 0]
            + [0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0] + [0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0] + [0, 0, 0, 0]
            + ascii("GPS 60.17N"))
        for exif in [bigEndian, littleEndian] {
            let input: [UInt8] = TestJPEG.soi + TestJPEG.jfif + exif + TestJPEG.xmp + TestJPEG.exif + TestJPEG.decodingSegments
                + TestJPEG.scan + TestJPEG.eoi
            let image = try ImageSanitizer.sanitize(input)
            let expected: [UInt8] = TestJPEG.soi + TestJPEG.jfif + onlyOrientationSix + TestJPEG.decodingSegments + TestJPEG.scan
                + TestJPEG.eoi
            #expect(image.bytes == expected)
            #expect(!image.bytes.contains(ascii: "GPS"))
        }
    }

    @Test(arguments: [
        ("upright", ascii("Exif\0\0MM\0*") + [0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]),
        ("out of range", ascii("Exif\0\0MM\0*") + [0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0]),
        ("wrong type", ascii("Exif\0\0MM\0*") + [0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 4, 0, 0, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0]),
        ("IFD past the end", ascii("Exif\0\0MM\0*") + [0, 0, 0, 200, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]),
        ("entries past the end", ascii("Exif\0\0MM\0*") + [0, 0, 0, 8, 0, 9, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]),
        ("not TIFF", ascii("Exif\0\0XX\0*") + [0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]),
        ("empty", ascii("Exif\0\0")),
    ] as [(String, [UInt8])])
    func jpegWithoutAUsableOrientationLosesAllEXIF(name: String, exif: [UInt8]) throws {
        let input: [UInt8] = TestJPEG.soi + TestJPEG.segment(0xE1, exif) + TestJPEG.decodingSegments + TestJPEG.scan + TestJPEG.eoi
        #expect(try ImageSanitizer.sanitize(input).bytes == TestJPEG.soi + TestJPEG.decodingSegments + TestJPEG.scan + TestJPEG.eoi)
    }

    @Test func jfifThumbnailIsRemoved() throws {
        // JFIF 1.01, no units, 1:1 density, a 2×1 RGB thumbnail (6 bytes of pixels).
        let withThumbnail = TestJPEG.segment(0xE0, ascii("JFIF\0") + [1, 1, 0, 0, 1, 0, 1, 2, 1] + [9, 9, 9, 8, 8, 8])
        let input: [UInt8] = TestJPEG.soi + withThumbnail + TestJPEG.decodingSegments + TestJPEG.scan + TestJPEG.eoi
        let image = try ImageSanitizer.sanitize(input)
        let expected: [UInt8] = TestJPEG.soi + TestJPEG.segment(0xE0, ascii("JFIF\0") + [1, 1, 0, 0, 1, 0, 1, 0, 0])
            + TestJPEG.decodingSegments + TestJPEG.scan + TestJPEG.eoi
        #expect(image.bytes == expected)
    }

    @Test func onlyColourRelevantApplicationSegmentsAreKept() throws {
        var input = TestJPEG.soi
        for marker: UInt8 in 0xE0...0xEF { input += TestJPEG.segment(marker, ascii("Other\0GPS")) }
        input += TestJPEG.segment(0xE2, ascii("MPF\0GPS"))  // APP2 but not an ICC profile.
        input += TestJPEG.segment(0xEE, ascii("NotAdobe"))
        input += TestJPEG.segment(0xF0, ascii("JPG0 GPS")) + TestJPEG.segment(0xDE, ascii("DHP GPS"))
        input += TestJPEG.icc + TestJPEG.adobe + TestJPEG.decodingSegments + TestJPEG.scan + TestJPEG.eoi
        let image = try ImageSanitizer.sanitize(input)
        let expected: [UInt8] = TestJPEG.soi + TestJPEG.icc + TestJPEG.adobe + TestJPEG.decodingSegments + TestJPEG.scan + TestJPEG.eoi
        #expect(image.bytes == expected)
    }

    /// A progressive file: metadata between scans is dropped too, and the entropy-coded
    /// data (with stuffed FF 00 and restart markers) is copied verbatim.
    @Test func metadataBetweenScansIsDropped() throws {
        let sof2 = TestJPEG.segment(0xC2, [8, 0, 8, 0, 16, 1, 1, 0x11, 0])
        let firstScan: [UInt8] = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56]
        let secondScan: [UInt8] = [0xFF, 0x00, 0xFF, 0x00, 0x78]
        let secondSOS = TestJPEG.segment(0xDA, [1, 1, 0x00, 1, 63, 0])
        let input: [UInt8] = TestJPEG.soi + TestJPEG.dqt + sof2 + TestJPEG.dhtDC + TestJPEG.sos + firstScan
            + TestJPEG.comment + TestJPEG.exif + TestJPEG.dhtAC + secondSOS + secondScan + TestJPEG.eoi
        let image = try ImageSanitizer.sanitize(input)
        let expected: [UInt8] = TestJPEG.soi + TestJPEG.dqt + sof2 + TestJPEG.dhtDC + TestJPEG.sos + firstScan
            + TestJPEG.dhtAC + secondSOS + secondScan + TestJPEG.eoi
        #expect(image.bytes == expected)
    }

    @Test func fillBytesBeforeMarkersAndTrailingBytesAreDropped() throws {
        let input: [UInt8] = TestJPEG.soi + [0xFF, 0xFF] + TestJPEG.decodingSegments + TestJPEG.scan
            + [0xFF, 0xFF] + TestJPEG.eoi + ascii("GPS trailer after EOI")
        let image = try ImageSanitizer.sanitize(input)
        #expect(image.bytes == TestJPEG.soi + TestJPEG.decodingSegments + TestJPEG.scan + TestJPEG.eoi)
    }

    /// Every SOFn carries the size, except C4 (DHT), C8 (JPG) and CC (DAC), which are not frame headers.
    @Test(arguments: [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF] as [UInt8])
    func sizeComesFromEveryFrameHeader(marker: UInt8) throws {
        let image = try ImageSanitizer.sanitize(TestJPEG.with(frame: TestJPEG.segment(marker, [8, 0x01, 0x2C, 0x02, 0x58, 1, 1, 0x11, 0])))
        #expect(image.width == 600 && image.height == 300)
    }

    @Test(arguments: [0xC4, 0xC8, 0xCC] as [UInt8])
    func tablesAreNotFrameHeaders(marker: UInt8) {
        #expect(isMalformed(TestJPEG.with(frame: TestJPEG.segment(marker, [8, 0, 8, 0, 16, 1, 1, 0x11, 0]))))
    }

    @Test func everyTruncationOfAJPEGIsMalformed() {
        let camera = TestJPEG.camera
        for length in 3..<camera.count {
            #expect(isMalformed(Array(camera.prefix(length))), "\(length) of \(camera.count) bytes")
        }
    }

    @Test func brokenJPEGStructuresAreMalformed() {
        let tail: [UInt8] = TestJPEG.scan + TestJPEG.eoi
        let cases: [(String, [UInt8])] = [
            ("segment past the end", TestJPEG.soi + [0xFF, 0xE1, 0x40, 0x00] + ascii("Exif\0\0") + TestJPEG.decodingSegments + tail),
            ("segment length 1", TestJPEG.soi + [0xFF, 0xFE, 0x00, 0x01] + TestJPEG.decodingSegments + tail),
            ("no frame header", TestJPEG.soi + TestJPEG.dqt + TestJPEG.dhtDC + TestJPEG.dhtAC + TestJPEG.sos + tail),
            ("no scan", TestJPEG.soi + TestJPEG.dqt + TestJPEG.sof0 + TestJPEG.eoi),
            ("two frame headers", TestJPEG.soi + TestJPEG.sof0 + TestJPEG.decodingSegments + tail),
            ("bytes where a marker belongs", TestJPEG.soi + TestJPEG.dqt + [0x00] + TestJPEG.decodingSegments + tail),
            ("restart marker before the scan", TestJPEG.soi + [0xFF, 0xD0] + TestJPEG.decodingSegments + tail),
            ("second SOI", TestJPEG.soi + TestJPEG.soi + TestJPEG.decodingSegments + tail),
            ("bad scan header", TestJPEG.soi + TestJPEG.dqt + TestJPEG.sof0 + TestJPEG.segment(0xDA, [2, 1, 0, 0, 63, 0]) + tail),
            ("frame header too short", TestJPEG.with(frame: TestJPEG.segment(0xC0, [8, 0, 8, 0, 16, 1, 1, 0x11]))),
            ("height 0", TestJPEG.with(frame: TestJPEG.segment(0xC0, [8, 0, 0, 0, 16, 1, 1, 0x11, 0]))),
            ("width 0", TestJPEG.with(frame: TestJPEG.segment(0xC0, [8, 0, 8, 0, 0, 1, 1, 0x11, 0]))),
            ("width 20001", TestJPEG.with(frame: TestJPEG.segment(0xC0, [8, 0, 8, 0x4E, 0x21, 1, 1, 0x11, 0]))),
            ("nothing after the scan data", TestJPEG.soi + TestJPEG.decodingSegments + TestJPEG.scan),
        ]
        for (name, bytes) in cases {
            #expect(isMalformed(bytes), "\(name)")
        }
        let largest = TestJPEG.with(frame: TestJPEG.segment(0xC0, [8, 0x4E, 0x20, 0x4E, 0x20, 1, 1, 0x11, 0]))
        #expect((try? ImageSanitizer.sanitize(largest))?.width == 20_000)
    }

    // MARK: PNG

    @Test func pngLosesMetadataAndKeepsImageData() throws {
        let image = try ImageSanitizer.sanitize(TestPNG.camera)
        #expect(image.format == .png)
        #expect(image.width == 16 && image.height == 8)
        let chunks = try #require(TestPNG.chunks(image.bytes))
        #expect(chunks.map(\.type) == ["IHDR", "gAMA", "sRGB", "pHYs", "IDAT", "IDAT", "IEND"])
        #expect(chunks.allSatisfy { $0.crcIsValid })
        let expected: [UInt8] = TestPNG.signature + TestPNG.header + TestPNG.gamma + TestPNG.sRGB + TestPNG.physical
            + TestPNG.imageData + TestPNG.end
        #expect(image.bytes == expected)
        for leak in ["tEXt", "zTXt", "iTXt", "eXIf", "tIME", "prVt", "Exif", "GPS", "xmpmeta", "Comment"] {
            #expect(!image.bytes.contains(ascii: leak), "\(leak) survived")
        }
        #expect(TestPNG.camera.contains(ascii: "GPS"))
    }

    @Test func pngColourAndPaletteChunksAreKept() throws {
        let input: [UInt8] = TestPNG.signature + TestPNG.chunk("IHDR", u32(4) + u32(2) + [8, 3, 0, 0, 0])
            + TestPNG.chunk("cHRM", Array(repeating: 1, count: 32)) + TestPNG.chunk("cICP", [1, 13, 0, 1])
            + TestPNG.chunk("iCCP", ascii("icc\0\0") + [0x78, 0x01, 0x03, 0x00]) + TestPNG.chunk("sBIT", [8, 8, 8])
            + TestPNG.chunk("PLTE", [255, 0, 0, 0, 255, 0]) + TestPNG.chunk("tRNS", [128])
            + TestPNG.chunk("bKGD", [1]) + TestPNG.chunk("hIST", [0, 1, 0, 1]) + TestPNG.chunk("sPLT", ascii("GPS\0") + [8])
            + TestPNG.chunk("IDAT", TestPNG.zlibStored([0, 0, 1, 0, 1, 0, 1, 0, 1, 0])) + TestPNG.end
        let image = try ImageSanitizer.sanitize(input)
        #expect(try #require(TestPNG.chunks(image.bytes)).map(\.type)
                == ["IHDR", "cHRM", "cICP", "iCCP", "sBIT", "PLTE", "tRNS", "bKGD", "IDAT", "IEND"])
        #expect(image.width == 4 && image.height == 2)
    }

    @Test func trailingBytesAfterIENDAreDropped() throws {
        let image = try ImageSanitizer.sanitize(TestPNG.camera + ascii("GPS 60.17N"))
        #expect(!image.bytes.contains(ascii: "GPS"))
        #expect(image.bytes.suffix(12) == TestPNG.end[...])
    }

    @Test func animatedPNGIsUnsupported() {
        let input: [UInt8] = TestPNG.signature + TestPNG.header + TestPNG.chunk("acTL", u32(1) + u32(0))
            + TestPNG.imageData + TestPNG.end
        #expect(throws: ImageError.unsupportedFormat) { try ImageSanitizer.sanitize(input) }
    }

    @Test func everyTruncationOfAPNGIsMalformed() {
        let camera = TestPNG.camera
        for length in 8..<camera.count {
            #expect(isMalformed(Array(camera.prefix(length))), "\(length) of \(camera.count) bytes")
        }
    }

    @Test func brokenPNGStructuresAreMalformed() {
        let sig = TestPNG.signature, ihdr = TestPNG.header, data = TestPNG.imageData, end = TestPNG.end
        var badCRC = TestPNG.chunk("tEXt", ascii("Comment\0hello"))
        badCRC[10] ^= 1  // A dropped chunk must still be intact.
        func header(_ width: Int, _ height: Int, depth: UInt8 = 8, colour: UInt8 = 2) -> [UInt8] {
            TestPNG.chunk("IHDR", u32(width) + u32(height) + [depth, colour, 0, 0, 0])
        }
        let cases: [(String, [UInt8])] = [
            ("bad CRC", sig + ihdr + badCRC + data + end),
            ("IHDR not first", sig + TestPNG.gamma + ihdr + data + end),
            ("no IHDR", sig + data + end),
            ("two IHDR", sig + ihdr + ihdr + data + end),
            ("no IEND", sig + ihdr + data),
            ("no IDAT", sig + ihdr + end),
            ("IEND with data", sig + ihdr + data + TestPNG.chunk("IEND", [0])),
            ("width 0", sig + header(0, 8) + data + end),
            ("height 0", sig + header(16, 0) + data + end),
            ("height 20001", sig + header(16, 20_001) + data + end),
            ("width 2^31", sig + header(1 << 31, 8) + data + end),
            ("IHDR too short", sig + TestPNG.chunk("IHDR", u32(16) + u32(8) + [8, 2, 0, 0]) + data + end),
            ("bit depth 3", sig + header(16, 8, depth: 3) + data + end),
            ("colour type 5", sig + header(16, 8, colour: 5) + data + end),
            ("palette without PLTE", sig + header(16, 8, colour: 3) + data + end),
            ("interlace method 2", sig + TestPNG.chunk("IHDR", u32(16) + u32(8) + [8, 2, 0, 0, 2]) + data + end),
            ("unknown critical chunk", sig + ihdr + TestPNG.chunk("CgBI", [0, 0, 0, 0]) + data + end),
            ("chunk type not letters", sig + ihdr + TestPNG.chunk("GPS1", [0]) + data + end),
            ("chunk length over 2^31", sig + ihdr + [0x80, 0, 0, 0] + ascii("tEXt") + data + end),
        ]
        for (name, bytes) in cases {
            #expect(isMalformed(bytes), "\(name)")
        }
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(ascii("123456789")) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(ascii("IEND")) == 0xAE42_6082)
    }

    // MARK: WebP

    @Test func webpLosesMetadataAndKeepsImageData() throws {
        let image = try ImageSanitizer.sanitize(TestWebP.camera)
        #expect(image.format == .webp)
        #expect(image.width == 16 && image.height == 8)
        let parsed = try #require(TestWebP.parse(image.bytes))
        #expect(parsed.riffSizeIsConsistent)
        #expect(parsed.chunks.map(\.fourCC) == ["VP8X", "VP8L"])
        #expect(parsed.chunks[0].payload[0] == 0)  // EXIF and XMP flags cleared.
        #expect(image.bytes == TestWebP.riff([TestWebP.vp8x(flags: 0, width: 16, height: 8), TestWebP.lossless]))
        for leak in ["EXIF", "XMP ", "Exif", "GPS", "xmpmeta"] {
            #expect(!image.bytes.contains(ascii: leak), "\(leak) survived")
        }
        #expect(TestWebP.camera.contains(ascii: "GPS"))
    }

    @Test func webpKeepsColourAndAlphaChunksAndOtherFlags() throws {
        let flags: UInt8 = 0x20 | 0x10 | 0x08 | 0x04  // ICC, alpha, EXIF, XMP.
        let input = TestWebP.riff([
            TestWebP.vp8x(flags: flags, width: 16, height: 8), TestWebP.chunk("ICCP", ascii("fake profile")),
            TestWebP.chunk("ALPH", [0, 1, 2]), TestWebP.lossy(width: 16, height: 8),
            TestWebP.chunk("EXIF", ascii("MM\0*GPS")), TestWebP.chunk("XMP ", ascii("<x:xmpmeta>GPS</x:xmpmeta>")),
            TestWebP.chunk("GPS!", ascii("an unknown chunk")),
        ])
        let image = try ImageSanitizer.sanitize(input)
        #expect(image.bytes == TestWebP.riff([
            TestWebP.vp8x(flags: 0x30, width: 16, height: 8), TestWebP.chunk("ICCP", ascii("fake profile")),
            TestWebP.chunk("ALPH", [0, 1, 2]), TestWebP.lossy(width: 16, height: 8),
        ]))
        #expect(try #require(TestWebP.parse(image.bytes)).riffSizeIsConsistent)
    }

    @Test func simpleWebPKeepsItsOneChunk() throws {
        let lossless = TestWebP.riff([TestWebP.lossless])
        #expect(try ImageSanitizer.sanitize(lossless).bytes == lossless)
        // Metadata appended to a simple file (not allowed there, but seen) is dropped.
        let withExif = TestWebP.riff([TestWebP.lossless, TestWebP.chunk("EXIF", ascii("GPS"))])
        #expect(try ImageSanitizer.sanitize(withExif).bytes == lossless)
        // A lossy frame's 14-bit size ignores the two scaling bits above it.
        let lossy = try ImageSanitizer.sanitize(TestWebP.riff([TestWebP.lossy(width: 0xC000 | 640, height: 0x4000 | 480)]))
        #expect(lossy.width == 640 && lossy.height == 480)
    }

    @Test func trailingBytesAfterTheRIFFDataAreDropped() throws {
        let image = try ImageSanitizer.sanitize(TestWebP.camera + ascii("GPS"))
        #expect(!image.bytes.contains(ascii: "GPS"))
    }

    @Test func animatedWebPIsUnsupported() {
        let animated = TestWebP.riff([TestWebP.vp8x(flags: 0x02, width: 16, height: 8), TestWebP.chunk("ANIM", [0, 0, 0, 0, 0, 0]),
                                      TestWebP.chunk("ANMF", Array(repeating: 0, count: 16) + TestWebP.lossless)])
        #expect(throws: ImageError.unsupportedFormat) { try ImageSanitizer.sanitize(animated) }
        let frameWithoutFlag = TestWebP.riff([TestWebP.vp8x(flags: 0, width: 16, height: 8),
                                              TestWebP.chunk("ANMF", Array(repeating: 0, count: 16) + TestWebP.lossless)])
        #expect(throws: ImageError.unsupportedFormat) { try ImageSanitizer.sanitize(frameWithoutFlag) }
    }

    @Test func everyTruncationOfAWebPIsMalformed() {
        let camera = TestWebP.camera
        for length in 12..<camera.count {
            #expect(isMalformed(Array(camera.prefix(length))), "\(length) of \(camera.count) bytes")
        }
    }

    @Test func brokenWebPStructuresAreMalformed() {
        let vp8x = TestWebP.vp8x(flags: 0, width: 16, height: 8), lossless = TestWebP.lossless
        var oddSize = TestWebP.riff([lossless])
        oddSize[4] += 1
        oddSize.append(0)
        var pastTheEnd = TestWebP.riff([lossless])
        pastTheEnd[16] += 2  // The VP8L chunk claims two more bytes than the RIFF data holds.
        var versioned = lossless
        versioned[12] |= 0x20  // VP8L version bits 1.
        var interFrame = TestWebP.lossy(width: 16, height: 8)
        interFrame[8] |= 1
        var noStartCode = TestWebP.lossy(width: 16, height: 8)
        noStartCode[11] = 0
        let cases: [(String, [UInt8])] = [
            ("RIFF size past the end", Array(TestWebP.riff([lossless]).dropLast(2))),
            ("odd RIFF size", oddSize),
            ("chunk past the end", pastTheEnd),
            ("no chunks", TestWebP.riff([])),
            ("first chunk unknown", TestWebP.riff([TestWebP.chunk("ICCP", [1, 2]), lossless])),
            ("extended without image", TestWebP.riff([vp8x])),
            ("canvas differs from image", TestWebP.riff([TestWebP.vp8x(flags: 0, width: 17, height: 8), lossless])),
            ("two images", TestWebP.riff([vp8x, lossless, lossless])),
            ("two images, simple", TestWebP.riff([lossless, lossless])),
            ("two VP8X", TestWebP.riff([vp8x, vp8x, lossless])),
            ("VP8X too short", TestWebP.riff([TestWebP.chunk("VP8X", [0, 0, 0, 0, 15, 0, 0, 7, 0]), lossless])),
            ("lossy 0 wide", TestWebP.riff([TestWebP.lossy(width: 0, height: 8)])),
            ("lossy not a key frame", TestWebP.riff([interFrame])),
            ("lossy without start code", TestWebP.riff([noStartCode])),
            ("lossless too short", TestWebP.riff([TestWebP.chunk("VP8L", [0x2F, 0, 0, 0])])),
            ("lossless without signature", TestWebP.riff([TestWebP.chunk("VP8L", [0x2E, 0, 0, 0, 0])])),
            ("lossless version 1", TestWebP.riff([versioned])),
        ]
        for (name, bytes) in cases {
            #expect(isMalformed(bytes), "\(name)")
        }
    }

    // MARK: Any format

    @Test(arguments: [
        ("GIF", ascii("GIF89a") + [1, 0, 1, 0, 0x80, 0, 0] + ascii("GPS;")),
        ("text named photo.jpg", ascii("This is not a photo, just a text file renamed photo.jpg\n")),
        ("empty", []),
        ("JPEG magic cut short", [0xFF, 0xD8]),
        ("PNG magic cut short", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A]),
        ("RIFF WAVE", ascii("RIFF") + [4, 0, 0, 0] + ascii("WAVE")),
        ("BMP", ascii("BM") + Array(repeating: 0, count: 60)),
        ("HEIC", [0, 0, 0, 0x18] + ascii("ftypheic") + Array(repeating: 0, count: 12)),
        ("PDF", ascii("%PDF-1.7\n")),
    ] as [(String, [UInt8])])
    func otherFormatsAreUnsupported(name: String, bytes: [UInt8]) {
        #expect(throws: ImageError.unsupportedFormat) { try ImageSanitizer.sanitize(bytes) }
    }

    @Test func sizeLimitIsCheckedFirst() throws {
        let camera = TestJPEG.camera
        #expect(throws: ImageError.tooLarge(maxBytes: camera.count - 1)) { try ImageSanitizer.sanitize(camera, maxBytes: camera.count - 1) }
        #expect(try ImageSanitizer.sanitize(camera, maxBytes: camera.count).width == 16)
        // Anything over the limit is too large, whatever it is.
        #expect(throws: ImageError.tooLarge(maxBytes: 16)) { try ImageSanitizer.sanitize(ascii("GIF89a, not even an image"), maxBytes: 16) }
        let elevenMegabytes = [UInt8](repeating: 0, count: 11 * 1024 * 1024)
        #expect(throws: ImageError.tooLarge(maxBytes: 10 * 1024 * 1024)) { try ImageSanitizer.sanitize(elevenMegabytes) }
    }

    @Test func sanitizingTwiceChangesNothing() throws {
        for input in [TestJPEG.camera, TestPNG.camera, TestWebP.camera] {
            let once = try ImageSanitizer.sanitize(input)
            #expect(try ImageSanitizer.sanitize(once.bytes) == once)
        }
    }

    @Test func residentsReadPlainMessages() {
        #expect(ImageError.tooLarge(maxBytes: 10 * 1024 * 1024).message == "The image is too large. The limit is 10 MB.")
        #expect(ImageError.tooLarge(maxBytes: 500 * 1024).message == "The image is too large. The limit is 500 KB.")
        #expect(ImageError.unsupportedFormat.message == "The file is not a still JPEG, PNG or WebP image.")
        #expect(ImageError.malformed("PNG chunk tEXt at byte 33 fails its CRC").message
                == "The image file is damaged or incomplete, so it cannot be attached.")
    }

    @Test func mediaTypes() {
        #expect(ImageFormat.allCases.map(\.mediaType) == ["image/jpeg", "image/png", "image/webp"])
    }

    func isMalformed(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try ImageSanitizer.sanitize(bytes)
            return false
        } catch {
            if case .malformed = error { return true }
            return false
        }
    }
}

// MARK: - Test images, built here so no binary fixtures are needed

fileprivate func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

fileprivate func u32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

extension Array where Element == UInt8 {
    fileprivate func contains(ascii text: String) -> Bool {
        let needle = Array(text.utf8)
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// A real, decodable 16×8 baseline greyscale JPEG (two flat mid-grey blocks with a restart
/// marker between them), wrapped in the metadata a phone camera writes.
fileprivate enum TestJPEG {
    static let soi: [UInt8] = [0xFF, 0xD8]
    static let eoi: [UInt8] = [0xFF, 0xD9]

    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    // Metadata.
    static let jfif = segment(0xE0, ascii("JFIF\0") + [1, 1, 0, 0, 1, 0, 1, 0, 0])
    static let jfxx = segment(0xE0, ascii("JFXX\0") + [0x13, 1, 1, 9, 9, 9])
    static let exif = segment(0xE1, ascii("Exif\0\0") + ascii("MM\0*") + [0, 0, 0, 8, 0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26]
                              + ascii("GPS\0") + [0, 0, 0, 60, 0, 0, 0, 1])
    static let xmp = segment(0xE1, ascii("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPSLatitude 60,10.2N</x:xmpmeta>"))
    static let photoshop = segment(0xED, ascii("Photoshop 3.0\08BIM") + [4, 4, 0, 0, 0, 0, 0, 8] + ascii("GPS city"))
    static let comment = segment(0xFE, ascii("Taken at home, GPS on"))
    // Colour information that must survive.
    static let icc = segment(0xE2, ascii("ICC_PROFILE\0") + [1, 1] + ascii("not a real profile"))
    static let adobe = segment(0xEE, ascii("Adobe") + [0, 100, 0, 0, 0, 0, 0])

    // Image: quantisation all 1; one-code Huffman tables (DC category 0, AC end-of-block);
    // a restart after every MCU. Each block codes as bits "00", padded with ones: 0x3F.
    static let dqt = segment(0xDB, [0x00] + Array(repeating: 1, count: 64))
    static let sof0 = segment(0xC0, [8, 0, 8, 0, 16, 1, 1, 0x11, 0])
    static let dhtDC = segment(0xC4, [0x00, 1] + Array(repeating: 0, count: 15) + [0x00])
    static let dhtAC = segment(0xC4, [0x10, 1] + Array(repeating: 0, count: 15) + [0x00])
    static let dri = segment(0xDD, [0, 1])
    static let sos = segment(0xDA, [1, 1, 0x00, 0, 63, 0])
    static let scan: [UInt8] = [0x3F, 0xFF, 0xD0, 0x3F]
    static let decodingSegments: [UInt8] = dqt + sof0 + dhtDC + dhtAC + dri + sos

    static let camera: [UInt8] = soi + jfif + exif + xmp + jfxx + photoshop + icc + adobe + comment + decodingSegments + scan + eoi

    /// The plain image with `frame` in place of its SOF0.
    static func with(frame: [UInt8]) -> [UInt8] {
        soi + dqt + frame + dhtDC + dhtAC + dri + sos + scan + eoi
    }

    /// The marker codes in order, independently of the sanitizer; entropy-coded data is skipped.
    static func markers(_ bytes: [UInt8]) -> [UInt8] {
        var markers: [UInt8] = [bytes[1]]
        var i = 2
        while i + 1 < bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1]
            markers.append(marker)
            if marker == 0xD9 { break }
            i += 2 + (Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
            if marker == 0xDA {
                while !(bytes[i] == 0xFF && bytes[i + 1] != 0 && !(0xD0...0xD7).contains(bytes[i + 1])) { i += 1 }
            }
        }
        return markers
    }
}

/// A real, decodable 16×8 RGB gradient PNG (stored, uncompressed deflate) with the text,
/// EXIF and time chunks a phone or editor adds.
fileprivate enum TestPNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        u32(data.count) + ascii(type) + data + u32(Int(CRC32.checksum(ascii(type) + data)))
    }

    /// A zlib stream holding `raw` in one stored deflate block.
    static func zlibStored(_ raw: [UInt8]) -> [UInt8] {
        var a = 1, b = 0
        for byte in raw {
            a = (a + Int(byte)) % 65521
            b = (b + a) % 65521
        }
        let n = raw.count
        return [0x78, 0x01, 0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8 & 0xFF)] + raw + u32(b << 16 | a)
    }

    static let header = chunk("IHDR", u32(16) + u32(8) + [8, 2, 0, 0, 0])
    static let gamma = chunk("gAMA", u32(45455))
    static let sRGB = chunk("sRGB", [0])
    static let physical = chunk("pHYs", u32(2835) + u32(2835) + [1])
    /// Rows of red rising left to right, green top to bottom, blue constant; split over two IDATs.
    static let imageData: [UInt8] = {
        var raw: [UInt8] = []
        for y in 0..<8 {
            raw.append(0)  // Filter: none.
            for x in 0..<16 { raw += [UInt8(x * 16), UInt8(y * 32), 160] }
        }
        let stream = zlibStored(raw)
        return chunk("IDAT", Array(stream.prefix(100))) + chunk("IDAT", Array(stream.dropFirst(100)))
    }()
    static let end = chunk("IEND", [])

    static let camera: [UInt8] = signature + header + gamma + chunk("tEXt", ascii("Comment\0GPS 60.17N 24.94E"))
        + chunk("iTXt", ascii("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>GPSLatitude</x:xmpmeta>"))
        + chunk("zTXt", ascii("Author\0\0") + [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0, 0, 0, 1])
        + chunk("eXIf", ascii("MM\0*") + [0, 0, 0, 8] + ascii("GPS")) + sRGB
        + chunk("tIME", [0x07, 0xE9, 6, 1, 12, 0, 0]) + physical + chunk("prVt", ascii("private GPS"))
        + imageData + chunk("tEXt", ascii("Software\0GPS tracker")) + end

    /// Every chunk's type, data and whether its CRC is right, or nil if the structure is broken.
    static func chunks(_ bytes: [UInt8]) -> [(type: String, data: [UInt8], crcIsValid: Bool)]? {
        guard bytes.starts(with: signature) else { return nil }
        var chunks: [(type: String, data: [UInt8], crcIsValid: Bool)] = []
        var i = 8
        while i + 12 <= bytes.count {
            let length = bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard i + 12 + length <= bytes.count else { return nil }
            let typeAndData = Array(bytes[(i + 4)..<(i + 8 + length)])
            let crc = bytes[(i + 8 + length)..<(i + 12 + length)].reduce(0) { $0 << 8 | Int($1) }
            chunks.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4)),
                           Int(CRC32.checksum(typeAndData)) == crc))
            i += 12 + length
        }
        return i == bytes.count ? chunks : nil
    }
}

/// A real, decodable 16×8 lossless WebP (one flat colour) in the extended format, with
/// EXIF and XMP chunks; plus a lossy frame header that only carries a size.
fileprivate enum TestWebP {
    static func chunk(_ fourCC: String, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return ascii(fourCC) + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + payload
            + (n % 2 == 1 ? [0] : [])
    }

    static func riff(_ chunks: [[UInt8]]) -> [UInt8] {
        let body = ascii("WEBP") + chunks.flatMap { $0 }
        let n = body.count
        return ascii("RIFF") + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + body
    }

    static func vp8x(flags: UInt8, width: Int, height: Int) -> [UInt8] {
        let w = width - 1, h = height - 1
        return chunk("VP8X", [flags, 0, 0, 0, UInt8(w & 0xFF), UInt8(w >> 8 & 0xFF), UInt8(w >> 16),
                              UInt8(h & 0xFF), UInt8(h >> 8 & 0xFF), UInt8(h >> 16)])
    }

    /// A VP8L bitstream: no transforms, no colour cache, and five prefix codes of one symbol
    /// each, so every pixel is the same colour and the pixel data takes no bits at all.
    static func losslessBitstream(width: Int, height: Int, argb: (UInt8, UInt8, UInt8, UInt8)) -> [UInt8] {
        var bits = BitWriter()
        bits.write(width - 1, count: 14)
        bits.write(height - 1, count: 14)
        bits.write(0, count: 1)  // Alpha hint.
        bits.write(0, count: 3)  // Version.
        bits.write(0, count: 1)  // No transform.
        bits.write(0, count: 1)  // No colour cache.
        bits.write(0, count: 1)  // No meta prefix codes.
        for symbol in [argb.2, argb.1, argb.3, argb.0, 0] {  // Green, red, blue, alpha, distance.
            bits.write(1, count: 1)  // Simple code,
            bits.write(0, count: 1)  // one symbol,
            bits.write(1, count: 1)  // eight bits wide.
            bits.write(Int(symbol), count: 8)
        }
        return [0x2F] + bits.bytes
    }

    static let lossless = chunk("VP8L", losslessBitstream(width: 16, height: 8, argb: (255, 200, 80, 40)))

    /// A lossy key-frame header: frame tag, start code, 16-bit width and height fields.
    static func lossy(width: Int, height: Int) -> [UInt8] {
        chunk("VP8 ", [0x50, 0x01, 0x00, 0x9D, 0x01, 0x2A, UInt8(width & 0xFF), UInt8(width >> 8),
                       UInt8(height & 0xFF), UInt8(height >> 8), 0x00, 0x00])
    }

    static let camera = riff([
        vp8x(flags: 0x08 | 0x04, width: 16, height: 8), lossless,
        chunk("EXIF", ascii("MM\0*") + [0, 0, 0, 8] + ascii("GPS")),  // Odd size: padded.
        chunk("XMP ", ascii("<x:xmpmeta>GPSLatitude 60,10.2N</x:xmpmeta>!")),
    ])

    /// The chunks and whether the RIFF size matches the file, independently of the sanitizer.
    static func parse(_ bytes: [UInt8]) -> (chunks: [(fourCC: String, payload: [UInt8])], riffSizeIsConsistent: Bool)? {
        func le32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
        guard bytes.count >= 12, bytes.starts(with: ascii("RIFF")) else { return nil }
        var chunks: [(fourCC: String, payload: [UInt8])] = []
        var i = 12
        while i + 8 <= bytes.count {
            let size = le32(i + 4)
            guard i + 8 + size + size % 2 <= bytes.count else { return nil }
            if size % 2 == 1 && bytes[i + 8 + size] != 0 { return nil }
            chunks.append((String(decoding: bytes[i..<(i + 4)], as: UTF8.self), Array(bytes[(i + 8)..<(i + 8 + size)])))
            i += 8 + size + size % 2
        }
        return (chunks, i == bytes.count && le32(4) == bytes.count - 8)
    }
}

/// Bits packed least significant first, as VP8L reads them.
fileprivate struct BitWriter {
    var bytes: [UInt8] = []
    var used = 0

    mutating func write(_ value: Int, count: Int) {
        for k in 0..<count {
            if used % 8 == 0 { bytes.append(0) }
            if value >> k & 1 == 1 { bytes[bytes.count - 1] |= UInt8(1 << (used % 8)) }
            used += 1
        }
    }
}
