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
        // The longest side (20,000 × 2,000 = 40 megapixels) is taken...
        let largest = TestJPEG.with(frame: TestJPEG.segment(0xC0, [8, 0x07, 0xD0, 0x4E, 0x20, 1, 1, 0x11, 0]))
        #expect((try? ImageSanitizer.sanitize(largest))?.width == 20_000)
        // ...and 20,000 × 20,000 in a few hundred bytes is a decompression bomb.
        let bomb = TestJPEG.with(frame: TestJPEG.segment(0xC0, [8, 0x4E, 0x20, 0x4E, 0x20, 1, 1, 0x11, 0]))
        #expect(throws: ImageError.tooManyPixels(width: 20_000, height: 20_000, maxPixels: 128_000_000)) { try ImageSanitizer.sanitize(bomb) }
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
