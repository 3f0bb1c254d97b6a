#pragma once
// ffmpeg command lines that carry no secret. /proc/PID/cmdline is readable by every local user,
// and URLs of media jobs carry stream keys, passwords, SRT passphrases and the core's stream
// tokens. So a builder writes each command twice:
// - `logical`: the command with the URLs inline, as a person would type it (tests, diagnostics);
// - `argv` + `documents`: what runs. A network input is read through ffmpeg's concat demuxer from
//   a pipe ("-f concat -safe 0 -i pipe:3"): the ffconcat document names the URL and its options,
//   among them its protocol whitelist. A network output keeps in argv only what identifies it
//   (rtmp://host:port/app, srt://host:port?mode=caller) and reads the rest (rtmp_playpath: the
//   stream key with the query; passphrase; streamid) from a preset file on a pipe
//   ("-fpre /dev/fd/4"). Documents are handed to the child on descriptors 3, 4, … (ChildProcess
//   ProcessOptions::documents): they never touch the disk.

#include <string>
#include <vector>

namespace sy::media {

struct FfmpegCommand {
    std::vector<std::string> argv;      // what runs: no secret in it
    std::vector<std::string> documents; // read by the child on fd 3, 4, …
    std::vector<std::string> logical;   // the same command with the URLs inline
};

class FfmpegCommandBuilder {
public:
    // ffmpeg -hide_banner -nostdin -loglevel error -progress pipe:1 -stats_period 0.5
    FfmpegCommandBuilder();
    void add(const std::vector<std::string>& args); // to both forms
    // An input with its options ("-rw_timeout", "8000000", …: AVOptions for network URLs, any
    // ffmpeg input option for files). `whitelist`: the protocols ffmpeg may use for it.
    void input(const std::string& url, const std::vector<std::string>& options,
               const std::string& whitelist);
    // The URL or file of an output, after its "-f format" and other options.
    void output(const std::string& url, const std::string& whitelist);
    FfmpegCommand take();

private:
    std::string nextDescriptor() const;
    FfmpegCommand c_;
};

// The tcUrl ffmpeg would send for an rtmp URL (scheme://host[:port]/app): given with
// -rtmp_tcurl when the URL ffmpeg gets has the checked address instead of the name, so that a
// server with virtual hosts still sees the name.
std::string rtmpTcUrl(const std::string& url);

// The protocols ffmpeg needs for a URL of this scheme ("rtsp" -> "rtsp,rtp,udp,tcp"; "file" or
// a path -> "file").
std::string protocolWhitelist(const std::string& url);

} // namespace sy::media
